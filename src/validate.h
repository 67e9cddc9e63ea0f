/*
 * validate.h - compose files checked before anything touches the engine.
 *
 * Two passes. validate_raw runs on the merged tree as written (positions
 * are best there): unknown keys (x-* allowed everywhere), wrong types,
 * bad durations, byte sizes, port and volume specs, following the compose
 * spec schema (compose-spec.json) written as C tables. validate_refs runs
 * on the canonical model: networks, volumes, secrets and configs a
 * service names must be defined, scale and deploy.replicas must agree,
 * and container_name allows one replica.
 *
 * Every problem is one line, "FILE:LINE:COL: KEYPATH: MESSAGE" (pos.h);
 * all are reported, then -1 is returned.
 */
#ifndef BERTH_VALIDATE_H
#define BERTH_VALIDATE_H

#include <jansson.h>

int validate_raw(const json_t *model);
/*
 * validate_raw for a tree left uninterpolated (config --no-interpolate):
 * strings holding "$" are values still to come. Their syntax (ports,
 * volumes, durations, sizes) is not checked, and they may stand where the
 * schema wants a number or a boolean (it allows strings there for this).
 * Unknown keys and other wrong types are still errors.
 */
int validate_raw_template(const json_t *model);
int validate_refs(const json_t *model);

#endif
