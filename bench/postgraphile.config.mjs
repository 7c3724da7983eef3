// PostGraphile 5 as the benchmark's peer: the Amber preset over the schema
// `public` of BENCH_DATABASE_URL, as the database owner (no authorization),
// without GraphiQL or schema watching, on BENCH_HOST:BENCH_PORT.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.BENCH_DATABASE_URL,
      schemas: ["public"],
    }),
  ],
  grafserv: {
    host: process.env.BENCH_HOST ?? "127.0.0.1",
    port: Number(process.env.BENCH_PORT ?? "5678"),
    graphiql: false,
    watch: false,
  },
};

export default preset;
