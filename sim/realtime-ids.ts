/** Ids shaped like the API's (`event_…`, `item_…`, `resp_…`, `call_…`), unique within one stand-in server. */
export class IdSource {
  private counter = 0;

  constructor(private readonly tag: string) {}

  private next(prefix: string): string {
    this.counter++;
    return `${prefix}_${this.tag}${this.counter.toString(36).padStart(6, '0')}`;
  }

  event = (): string => this.next('event');
  item = (): string => this.next('item');
  response = (): string => this.next('resp');
  call = (): string => this.next('call');
}
