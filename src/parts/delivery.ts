/** The split script tag's `waymark-delivery.js`: delivery, for the first file's loader. */
import { createDelivery } from '../delivery/delivery'
import { definePart } from '../part-define'

definePart('delivery', { createDelivery })
