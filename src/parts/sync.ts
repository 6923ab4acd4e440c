/** The split script tag's `waymark-sync.js`: the playbook sync, for the first file's loader. */
import { definePart } from '../part-define'
import { createSync } from '../playbook/sync'

definePart('sync', { createSync })
