// One colour per test type, stable across the timeline, the legend and the reports.

import { state } from "./state.js";

const PALETTE = [
  "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2",
  "#65a30d", "#dc2626", "#4f46e5", "#b45309", "#0d9488", "#9333ea",
];

function hash(text) {
  let value = 0;
  for (const char of text) value = (value * 31 + char.codePointAt(0)) >>> 0;
  return value;
}

export function colorFor(testType) {
  const index = state.testTypes.indexOf(testType);
  return PALETTE[(index === -1 ? hash(testType) : index) % PALETTE.length];
}
