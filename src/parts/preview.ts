/** The split script tag's `waymark-preview.js`: the preview link's offer, for the first file's loader. */
import { definePart } from '../part-define'
import { createShow } from '../preview-offer'

definePart('preview', { createShow })
