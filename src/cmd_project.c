/*
 * cmd_project.c - how every command loads its project (cmd.h): the global
 * options become the loader's options in one place, so -f, -p,
 * --project-directory, --env-file and --profile mean the same to all.
 */
#include "cmd.h"
#include "loader.h"

void
cmd_load_opts(const struct globals *g, struct load_opts *o)
{
	*o = (struct load_opts){
		.files = &g->files,
		.project_name = g->project_name,
		.project_dir = g->project_dir,
		.env_files = &g->env_files,
		.profiles = &g->profiles,
	};
}

int
cmd_load_project(struct globals *g, char *const *services, size_t n,
		 struct project **out)
{
	struct load_opts o;

	cmd_load_opts(g, &o);
	o.services = services;
	o.nservices = n;
	return project_load(out, &o);
}
