/** The split script tag's `waymark-places.js`: places, for the first file's loader. */
import { createPlaces } from '../places'
import { definePart } from '../part-define'

definePart('places', { createPlaces })
