// What the WhatsApp Cloud API simulator accepts by default, and where it listens beside the courier
// simulators (SIMULATOR_BASE_PORT + 3). Test values only; nothing here is a real credential.
export const WHATSAPP_SIM_DEFAULTS = {
  portOffset: 3,
  accessToken: 'sim-whatsapp-token',
  phoneNumberId: '100000000000001',
  /** The language templates without their own are approved in (as WHATSAPP_TEMPLATE_LANGUAGE's default). */
  language: 'en',
} as const;

export function whatsAppSimulatorBaseUrl(host: string, basePort: number, version = 'v21.0'): string {
  return `http://${host}:${basePort + WHATSAPP_SIM_DEFAULTS.portOffset}/${version}`;
}
