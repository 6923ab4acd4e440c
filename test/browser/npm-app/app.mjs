// The test app of npm-chunks.test.mjs: `waymark` resolved through the package's `exports`, as a
// page's bundler does; bundled by rollup with code splitting when the test starts, so each part
// of the npm build is a chunk the page loads on demand.
import { createWaymark } from 'waymark'

const wm = createWaymark({ playbook: '/npm/playbook.json', autoPage: false, namespace: 'npm' })
window.waymark = wm // for the harness (waitForSdk, reload) and the test's calls
wm.on('playbook', (p) => (window.__playbook = p))
