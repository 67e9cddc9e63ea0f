/*
 * merge.h - docker compose's rules for merging compose trees.
 *
 * Several -f files, several YAML documents in one file, and `extends` all
 * combine trees the same way (compose-go override/merge.go): mappings are
 * merged key by key with the later value winning, sequences are appended,
 * and a table of paths ("services.*.ports") names the exceptions: shell
 * commands replaced, environment/labels merged by key, depends_on and
 * networks turned into mappings first, logging options merged only for
 * the same driver. `!reset` drops what came before, `!override` replaces
 * it. merge_unique then removes duplicates from the sequences whose
 * entries compose keys by something (a volume's target, a port's binding)
 * (compose-go override/uncity.go).
 *
 * base is changed in place; over is borrowed and never changed (its
 * nodes are copied with their positions).
 */
#ifndef BERTH_MERGE_H
#define BERTH_MERGE_H

#include <jansson.h>

/* Merge the compose file (or document) over into base. Returns 0, or -1
   after reporting each node that cannot be merged (a list over a
   mapping). */
int merge_tree(json_t *base, const json_t *over);
/*
 * merge_tree for a tree the caller gives up: over is consumed, and must
 * not be used afterwards. tags: the POS_TAG_* flags that may occur in over
 * (what yaml_load reports). Without POS_TAG_RESET, what base lacks is
 * moved from over as it is instead of copied, and no node is looked up
 * for flags over cannot have: a single file costs no copy.
 */
int merge_tree_move(json_t *base, json_t *over, unsigned tags);
/* Merge one service definition over into base (extends). */
int merge_service(json_t *base, const json_t *over);
/* Remove duplicate entries from keyed sequences of a whole tree, or of
   one service definition. The later entry replaces the earlier one at the
   earlier one's place. */
void merge_unique(json_t *tree);
void merge_unique_service(json_t *service);
/* A copy of n without the !reset nodes in it: what a tree that resets
   nothing contributes. New reference. */
json_t *merge_strip_resets(const json_t *n);

#endif
