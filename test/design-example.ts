// Shared by the validator and schema tests: the contract's own example must always pass both.

/** The example playbook of DESIGN.md ("Public contract" → "Playbook"), verbatim. */
export const DESIGN_EXAMPLE = {
  version: '2026-11-23.1',
  stages: [
    { id: 'consider', on: ['page'] },
    { id: 'evaluate', on: ['product_viewed', 'compare'] },
    { id: 'buy', on: ['cart_viewed', 'checkout_started'] },
    { id: 'enjoy', on: ['order:delivered'], loop: true },
    { id: 'advocate', on: ['review_written', 'shared'] },
    { id: 'bond', on: ['order_completed'], if: { 'journey.counts.order_completed': { $gte: 2 } } },
  ],
  rules: [
    {
      id: 'free-shipping-nudge',
      enabled: true,
      on: ['cart_viewed'],
      if: { 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true },
      offer: {
        kind: 'banner',
        title: '{user.firstName|Friend}, shipping is free from €50',
        body: '…',
        cta: { label: 'Keep shopping', href: '/catalog' },
        code: 'SHIP50',
      },
      priority: 10,
      cap: { session: 1, day: 1, total: 3 },
      from: '2026-11-01T00:00:00Z',
      until: '2026-12-31T23:59:59Z',
      rollout: 0.9,
    },
  ],
  texts: { ru: { 'greeting.returning': 'С возвращением, {name}!' } },
}
