/**
 * Places as the instance holds them: their code (reading the position, matching it with the
 * playbook's places) is a part loaded once a playbook has places, or for `locate()` then. A
 * page whose playbook has none never loads it; until it has loaded, the visitor is at no place.
 */
import type { Places, PlacesDeps } from './places'
import type { Place } from './types'

/** Loads the places module (a dynamic import, or the split script tag's part). */
export type PlacesLoader = () => Promise<{ createPlaces(d: PlacesDeps): Places }>

/** {@link Places} whose code loads when there are places to check. */
export function deferPlaces(load: PlacesLoader, d: PlacesDeps): Places {
  let places: Places | undefined
  let loading: Promise<void> | undefined
  let list: Place[] = []
  let stopped = false
  const ensure = (): Promise<void> =>
    (loading ||= load().then(
      (m) => {
        places = m.createPlaces(d)
        if (stopped) places.stop()
        else places.use(list) // the newest playbook's
      },
      (e: Error) => {
        loading = undefined // the next playbook or locate() tries again
        d.fail(`places unavailable: ${e.message}`)
      },
    ))
  return {
    use(next) {
      list = next || []
      if (places) places.use(list)
      else if (list.length) void ensure()
    },
    locate: () => (places ? places.locate() : list.length ? ensure().then(() => (places ? places.locate() : null)) : Promise.resolve(null)),
    current: () => (places ? places.current() : null),
    stop() {
      stopped = true
      if (places) places.stop()
    },
  }
}
