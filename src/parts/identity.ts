/** The split script tag's `waymark-identity.js`: identity restore, for the first file's loader. */
import { askIdentity } from '../identity'
import { definePart } from '../part-define'

definePart('identity', { askIdentity })
