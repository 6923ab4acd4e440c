/** A stylesheet imported as its text: rollup's raw-css plugin (and Vite) turn it into a string. */
declare module '*.css?raw' {
  const css: string
  export default css
}
