// Real SMTP servers for the email tests, on 127.0.0.1 with a free port:
// - startSmtpServer: smtp-server, recording every message it accepts (parsed with mailparser) before it
//   answers 250, so a resolved send has its message here already; optional per-recipient rejections.
// - startDroppingSmtpServer: greets and answers EHLO, then drops the connection at MAIL FROM, as a
//   server that dies mid-transaction does.
import { createServer, type AddressInfo, type Server } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMail[];
  /** Answer RCPT TO for this address with `code message` (e.g. 550 mailbox unavailable). */
  rejectRecipient(address: string, code: number, message: string): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const rejections = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP like Mailpit: no STARTTLS offered, so nothing depends on a self-signed certificate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const r = rejections.get(address.address);
      if (r) return callback(Object.assign(new Error(r.message), { responseCode: r.code }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            parsed,
          });
          callback();
        })
        .catch((e: Error) => callback(e));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    rejectRecipient: (address, code, message) => void rejections.set(address, { code, message }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RawSmtpServer {
  url: string;
  close(): Promise<void>;
}

/** Greets, answers EHLO, and drops the connection when the client starts a transaction (MAIL FROM). */
export async function startDroppingSmtpServer(): Promise<RawSmtpServer & { transactions: () => number }> {
  let transactions = 0;
  const server = await rawServer((socket) => {
    socket.write('220 drop.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      const line = chunk.toString('utf8');
      if (/^(EHLO|HELO)/i.test(line)) socket.write('250-drop.test\r\n250 8BITMIME\r\n');
      else {
        if (/^MAIL FROM/i.test(line)) transactions += 1;
        socket.destroy();
      }
    });
  });
  return { ...server, transactions: () => transactions };
}

/** Accepts connections and never says a word (for the greeting timeout). */
export async function startSilentSmtpServer(): Promise<RawSmtpServer> {
  return rawServer(() => undefined);
}

async function rawServer(onSocket: (socket: import('node:net').Socket) => void): Promise<RawSmtpServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}
