// The server entry, run at build time under Node: renders the app to HTML the way a server
// (or Next.js) would. No instance exists there: the greeting, journey and offers render empty.
import { StrictMode } from 'react'
import { renderToString } from 'react-dom/server'
import { App } from './app'

export const render = (): string =>
  renderToString(
    <StrictMode>
      <App />
    </StrictMode>,
  )
