/**
 * The build this code came from. The split script tag's first file and its parts are built
 * with one id (rollup.config.mjs writes it over this module), and a part from another build
 * is refused: a cached first file must never run a newer part, or the reverse.
 */
export const BUILD_ID = 'dev'
