/**
 * The validator's version: part of the mark a stored playbook carries once validated
 * (`validMark` in cached.ts), so that a copy is checked again by a build whose rules differ.
 * Bump it with any change to what is accepted: in validate.ts, condition-check.ts or the regex
 * parser. Its own module, so the start can read marks without the validator's code.
 */
export const VALIDATOR_VERSION = 2
