// Typed arrays that grow by doubling: the employee index keeps one number per task occurrence,
// which for 20,000 employees is a few megabytes instead of hundreds of thousands of objects.

type TypedArray = Uint8Array | Uint32Array | Float64Array;
type Constructor<T extends TypedArray> = new (length: number) => T;

export class Growable<T extends TypedArray> {
  #data: T;
  #length = 0;
  readonly #make: Constructor<T>;

  constructor(make: Constructor<T>, capacity = 1024) {
    this.#make = make;
    this.#data = new make(capacity);
  }

  get length(): number {
    return this.#length;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const bigger = new this.#make(this.#data.length * 2);
      bigger.set(this.#data as never);
      this.#data = bigger;
    }
    this.#data[this.#length++] = value;
  }

  /** The values pushed so far (a view: valid until the next push). */
  view(): T {
    return this.#data.subarray(0, this.#length) as T;
  }
}

/** Strings numbered in the order first seen. */
export class Interner<V> {
  readonly values: V[] = [];
  readonly #codes = new Map<string, number>();

  /** The code of `key`, adding `value` for it when new. */
  code(key: string, value: () => V): number {
    let code = this.#codes.get(key);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value());
      this.#codes.set(key, code);
    }
    return code;
  }
}
