// TypeScript diagnostics the notebook's editor does not show (see setup.ts for why): in a notebook
// a name may come from another cell or from the kernel, so every form of "cannot find name" is
// left to the kernel — including TypeScript's guesses that `test`, `describe` or `it` mean a test
// runner (2582, 2593), `process`/`require` mean Node types (2580, 2591) or `$` jQuery (2581, 2592).
export const NOTEBOOK_IGNORED_DIAGNOSTICS = [
  2451, 1375, 1378, 2393, 1108, 2300, 80005, 2304, 2552, 2307, 2792, 7016,
  // "Cannot find name 'x'. Do you need to install type definitions for …?"
  2580, 2581, 2582, 2591, 2592, 2593,
];
