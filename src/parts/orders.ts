/** The split script tag's `waymark-orders.js`: the orders, for the first file's loader. */
import { definePart } from '../part-define'
import { createOrders } from '../orders'

definePart('orders', { createOrders })
