/**
 * Derived fields: values a pipeline file computes from an event at ingest with a small, fixed set of built-in
 * functions (a geohash cell of a point, the NWS heat index, parts of the event time). No user code runs: a
 * function is chosen by name and its arguments are fields of the event type's schema, checked at start-up.
 */
package io.pulse.common.derive;
