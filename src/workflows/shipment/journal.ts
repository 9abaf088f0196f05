// Writes what the workflow knows to the outside: the MongoDB projection (a local activity) and the
// search attributes. Steps mark the state changed (touch) or add an order note; the main loop flushes
// once per batch of steps, and before any step that calls out, so a slow courier never holds back what
// is already known. What to write is decided in state.ts (projectionWrite, searchAttributeChange).
import { upsertSearchAttributes } from '@temporalio/workflow';
import { projection } from './activity-proxies';
import type { Note } from './ndr';
import { nowIso } from './shipment';
import { projectionWrite, searchAttributeChange, type ShipmentState } from './state';
import type { StoreOutbox } from './store-outbox';

export class Journal {
  constructor(
    private readonly s: ShipmentState,
    /** Something changed that the projection has not been told. */
    private dirty: boolean,
    private readonly store: StoreOutbox,
  ) {}

  note({ key, text }: Note): void {
    this.s.projection.pendingNotes.push({ key: `${this.s.orderId}:${key}`, text, by: 'waybill', at: nowIso() });
    this.dirty = true;
  }

  touch(): void {
    this.s.updatedAt = nowIso();
    this.dirty = true;
  }

  async flush(): Promise<void> {
    this.syncSearchAttributes();
    // Store events are derived with the change they tell and written in the same projection write.
    if (this.dirty) this.store.derive(nowIso());
    const storeEvents = [...this.store.unwritten];
    if (!this.dirty && storeEvents.length === 0) return;
    const s = this.s;
    const seq = s.projection.seq + 1;
    const transitionsWritten = s.machine.transitions.length;
    const result = await projection.recordProjection({ ...projectionWrite(s, seq, nowIso()), ...(storeEvents.length > 0 ? { storeEvents } : {}) });
    s.projection = { seq, transitionsWritten, pendingEventKeys: [], pendingNotes: [] };
    this.dirty = false;
    // Histories from before store events recorded no result here.
    this.store.written(storeEvents, result?.storeSubscribers);
  }

  syncSearchAttributes(): void {
    const change = searchAttributeChange(this.s);
    if (!change) return;
    if (change.pairs.length > 0) upsertSearchAttributes(change.pairs);
    this.s.searchAttributes = change.json;
  }
}
