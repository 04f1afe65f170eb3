"""
Adapters that run the Arrow batch linter inside an existing distributed engine.

One module per engine, each behind its own optional extra; only `spark` ships and is
tested on a local cluster. The functions they ship to workers are the pure, picklable
ones of `messages_schema.arrow`, so Ray Data, Dask, DuckDB or Polars can call those
directly (the README shows how).
"""
