/** The split script tag's `waymark-elements.js`: the elements, for the first file's loader. */
import { defineElements } from '../elements/index'
import { definePart } from '../part-define'

definePart('elements', { defineElements })
