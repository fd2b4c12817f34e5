// A source row as the importer reads it from a reference page and writes it to
// catalog/sources/*.tsv: the labels as the page spells them, plus provenance.

export interface SourceRow {
  readonly serviceArea: string;
  readonly category: string;
  readonly activity: string;
  /** 1-based line of the activity cell in the raw input. */
  readonly activityLine: number;
  /** 1-based line the (service area, category) label came from; differs after a repair. */
  readonly labelLine: number;
}

export interface ParsedReference {
  /** Short, stable name of the source (e.g. `reference-2018-04-19`). */
  readonly name: string;
  readonly rows: readonly SourceRow[];
}
