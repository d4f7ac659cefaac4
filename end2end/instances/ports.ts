// The ports of the two instances the scenario alternates between.
export const FIRST = 3401;
export const SECOND = 3402;
