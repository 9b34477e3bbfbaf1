/**
 * The layers of ../shared/DESIGN.md, as rules `npm test` checks (test/unit/layers.test.ts): a folder of src/
 * imports only from folders of lower layers, never upward, never sideways, and no file cycles. No exceptions
 * are listed here: move shared code down instead.
 */
const LAYERS = [
  ['util', 'http1', 'types'], // no coldlab knowledge
  ['scenario'], // the input model: schema, prices and threshold shapes
  ['results'], // the output model: one zod schema, types derived from it
  ['present', 'metrics'], // formatting and chart helpers; host and cgroup samplers
  ['runtimes'], // sandboxes
  ['platform'], // the pool and the gateway
  ['load'], // schedules and senders
  ['events'], // event triggers, beside the request path
  ['billing'], // the one cost model
  ['plan'], // the one simulator of the pool's policy
  ['advise', 'gate'], // deciders
  ['report'], // presentation: HTML, Markdown, JUnit, terminal tables, exports
  ['lab'], // runs a scenario
  ['cluster'], // runs suites on orchestrators
  ['cli'], // parses flags, calls the rest, prints
];

const above = (i) => LAYERS.slice(i + 1).flat();
const forbidden = LAYERS.flatMap((folders, i) =>
  folders.map((folder) => ({
    name: `layer-${folder}`,
    comment: `src/${folder}/ may import only from lower layers (DESIGN.md, Layers)`,
    severity: 'error',
    from: { path: `^src/${folder}/` },
    to: { path: `^src/(${[...above(i), ...folders.filter((f) => f !== folder)].join('|')})/` },
  })),
);

module.exports = {
  forbidden: [
    ...forbidden,
    { name: 'no-circular', comment: 'no two files import each other, directly or around a loop', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'known-folders',
      comment: 'every folder of src/ has a layer: add a new one to LAYERS',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${LAYERS.flat().join('|')})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
