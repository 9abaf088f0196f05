// What the Delhivery simulator's routes share.
import type { ScenarioEngine, ScenarioName, SimClock } from '../scenario';
import type { SimAuth } from './auth';
import type { ScanText } from './scans';
import type { DelhiveryStore, SimPackage } from './store';
import type { WafLimiter } from './waf';

export interface SimContext {
  clock: SimClock;
  engine: ScenarioEngine;
  store: DelhiveryStore;
  auth: SimAuth;
  warehouse: string;
  clientName: string;
  limiter: WafLimiter;
  limits: { tracking: number; pincode: number };
  walletBalance(): number;
  scenarioFor(orderId: string): ScenarioName;
  /** Appends scans to a package (fixing their time text) and pushes one webhook per scan. */
  record(p: SimPackage, scans: Array<ScanText & { at: number }>, location: string): void;
}
