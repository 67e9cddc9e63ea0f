/*
 * config_vars.h - the variables a compose model uses, for
 * `config --variables`.
 *
 * Like compose-go's template.ExtractVariables, this reads the model before
 * interpolation: every $VAR and ${VAR...} in a string value, with the
 * default (${VAR:-d}, ${VAR-d}), the alternate value (${VAR:+a}, ${VAR+a})
 * and whether it is required (${VAR:?e}, ${VAR?e}), nested forms included.
 * A variable used several times is required if any use is, and keeps the
 * first default and alternate value given.
 */
#ifndef BERTH_CONFIG_VARS_H
#define BERTH_CONFIG_VARS_H

#include <jansson.h>

/*
 * A new object: name -> {"Name", "DefaultValue", "PresenceValue",
 * "Required"} for every variable in the string values of model (keys are
 * not interpolated, so not read). Names keep their spelling.
 */
json_t *config_variables(const json_t *model);

#endif
