// Email addresses as they come from orders and config. A recipient is exactly one address: a value like
// "a@x.in, b@y.in" from a store's form would otherwise send a customer's order mail to two people.
import addressparser from 'nodemailer/lib/addressparser';

const SINGLE_ADDRESS = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+$/;

export function isSingleAddress(value: string): boolean {
  return SINGLE_ADDRESS.test(value.trim());
}

export interface Mailbox {
  name: string;
  address: string;
}

/**
 * EMAIL_FROM as a mailbox: `orders@store.in` takes the store's name as its display name;
 * `Store <orders@store.in>` keeps its own. Throws when it is not one address.
 */
export function parseFrom(from: string, defaultName: string): Mailbox {
  const parsed = addressparser(from, { flatten: true });
  const first = parsed[0];
  if (parsed.length !== 1 || !first || !isSingleAddress(first.address)) throw new Error('EMAIL_FROM must be one address, e.g. orders@store.in or "Store <orders@store.in>"');
  return { name: first.name || defaultName, address: first.address };
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
