// A small stand-in for Python's `datetime` module, which Tornado puts in every template's
// namespace: `datetime.datetime.now()`, `datetime.date.today()`, `strftime`, `isoformat`, and
// `str()` output as Python prints it.

import { DAY_NAMES, MONTH_NAMES } from "../python.ts";

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** A calendar date (Python's `datetime.date`). */
export class PyDate {
  /** The year, e.g. 2026. */
  readonly year: number;
  /** The month, 1 to 12. */
  readonly month: number;
  /** The day of the month, 1 to 31. */
  readonly day: number;

  constructor(year: number, month: number, day: number) {
    this.year = year;
    this.month = month;
    this.day = day;
  }

  /** Monday is 0, Sunday is 6. */
  weekday(): number {
    return (new Date(Date.UTC(this.year, this.month - 1, this.day)).getUTCDay() + 6) % 7;
  }

  /** `YYYY-MM-DD`. */
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }

  /** Formats with C `strftime` directives (`%Y-%m-%d %H:%M`, `%A %d %B`, ...). */
  strftime(format: string): string {
    return format.replace(/%([a-zA-Z%])/g, (whole, code: string) => this.directive(code) ?? whole);
  }

  /** The text for one `strftime` directive (`Y`, `m`, ...), or `undefined` for an unknown one. */
  protected directive(code: string): string | undefined {
    const dayOfYear =
      (Date.UTC(this.year, this.month - 1, this.day) - Date.UTC(this.year, 0, 1)) / 86400000 + 1;
    switch (code) {
      case "Y":
        return pad(this.year, 4);
      case "y":
        return pad(this.year % 100);
      case "m":
        return pad(this.month);
      case "d":
        return pad(this.day);
      case "e":
        return String(this.day).padStart(2, " ");
      case "j":
        return pad(dayOfYear, 3);
      case "B":
        return MONTH_NAMES[this.month - 1];
      case "b":
      case "h":
        return MONTH_NAMES[this.month - 1]!.slice(0, 3);
      case "A":
        return DAY_NAMES[this.weekday()];
      case "a":
        return DAY_NAMES[this.weekday()]!.slice(0, 3);
      case "w":
        return String((this.weekday() + 1) % 7);
      case "%":
        return "%";
      default:
        return undefined;
    }
  }

  /** The date as Python prints it: `2026-11-24`. */
  toString(): string {
    return this.isoformat();
  }
}

/** A date and time of day, naive as Python's default `datetime.datetime`. */
export class PyDateTime extends PyDate {
  /** The hour, 0 to 23. */
  readonly hour: number;
  /** The minute, 0 to 59. */
  readonly minute: number;
  /** The second, 0 to 59. */
  readonly second: number;
  /** The microsecond, 0 to 999999. */
  readonly microsecond: number;

  constructor(
    year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    second = 0,
    microsecond = 0,
  ) {
    super(year, month, day);
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
  }

  /** The date part. */
  date(): PyDate {
    return new PyDate(this.year, this.month, this.day);
  }

  /** Seconds since the epoch, taking this time as UTC. */
  timestamp(): number {
    const ms = Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
    return ms / 1000 + this.microsecond / 1e6;
  }

  /** `YYYY-MM-DDTHH:MM:SS[.ffffff]`. */
  override isoformat(separator = "T"): string {
    const fraction = this.microsecond ? `.${pad(this.microsecond, 6)}` : "";
    return `${super.isoformat()}${separator}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${fraction}`;
  }

  /** As {@link PyDate.directive}, adding the time directives (`H`, `M`, `S`, `f`, ...). */
  protected override directive(code: string): string | undefined {
    switch (code) {
      case "H":
        return pad(this.hour);
      case "I":
        return pad(((this.hour + 11) % 12) + 1);
      case "M":
        return pad(this.minute);
      case "S":
        return pad(this.second);
      case "f":
        return pad(this.microsecond, 6);
      case "p":
        return this.hour < 12 ? "AM" : "PM";
      default:
        return super.directive(code);
    }
  }

  /** The date and time as Python prints it: `2026-11-24 23:15:46.000123`. */
  override toString(): string {
    return this.isoformat(" ");
  }
}

function fromDate(date: Date, utc: boolean): PyDateTime {
  return utc
    ? new PyDateTime(
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
        date.getUTCHours(),
        date.getUTCMinutes(),
        date.getUTCSeconds(),
        date.getUTCMilliseconds() * 1000,
      )
    : new PyDateTime(
        date.getFullYear(),
        date.getMonth() + 1,
        date.getDate(),
        date.getHours(),
        date.getMinutes(),
        date.getSeconds(),
        date.getMilliseconds() * 1000,
      );
}

/** `datetime.datetime(y, m, d, ...)` and its constructors `now()`, `utcnow()`, `fromtimestamp()`. */
const datetimeFactory = Object.assign(
  (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, microsecond = 0) =>
    new PyDateTime(year, month, day, hour, minute, second, microsecond),
  {
    now: (): PyDateTime => fromDate(new Date(), false),
    utcnow: (): PyDateTime => fromDate(new Date(), true),
    fromtimestamp: (seconds: number): PyDateTime => fromDate(new Date(seconds * 1000), false),
    utcfromtimestamp: (seconds: number): PyDateTime => fromDate(new Date(seconds * 1000), true),
  },
);

/** `datetime.date(y, m, d)` and `datetime.date.today()`. */
const dateFactory = Object.assign(
  (year: number, month: number, day: number) => new PyDate(year, month, day),
  {
    today: (): PyDate => fromDate(new Date(), false).date(),
  },
);

/** The `datetime` object in every template's namespace. */
export const datetimeModule = Object.freeze({
  datetime: datetimeFactory,
  date: dateFactory,
  MINYEAR: 1,
  MAXYEAR: 9999,
});
