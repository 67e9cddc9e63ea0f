/*
 * test_container_spec.c - canonical service -> POST /containers/create
 * body, field by field, and the anonymous-volume carry-over of a
 * recreate.
 */
#include <stdlib.h>
#include <string.h>

#include "container_spec.h"
#include "labels.h"
#include "naming.h"
#include "project.h"
#include "test.h"

static struct project *
load(const char *text)
{
	json_t *model = json_loads(text, 0, NULL);
	struct project *p = NULL;

	if (model == NULL || project_from_model(&p, model, "/work/app") < 0)
		return NULL;
	strv_push(&p->config_files, "/work/app/compose.yaml");
	strv_push(&p->config_files, "/work/app/compose.override.yaml");
	return p;
}

/* The value at a slash path in o ("HostConfig/Memory"), as compact JSON. */
static char *
at(json_t *o, const char *path)
{
	char *copy = strdup(path), *save = NULL;
	json_t *v = o;

	for (char *k = strtok_r(copy, "/", &save); k && v;
	     k = strtok_r(NULL, "/", &save))
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(k)) :
				       json_object_get(v, k);
	free(copy);
	return v ? json_dumps(v,
			      JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) :
		   strdup("(none)");
}

#define CHECK_AT(o, path, want)           \
	do {                              \
		char *got_ = at(o, path); \
		CHECK_STR(got_, want);    \
		free(got_);               \
	} while (0)

static const char full[] =
	"{\"name\":\"app\",\"services\":{\"web\":{"
	"\"image\":\"nginx:1.25\","
	"\"command\":[\"nginx\",\"-g\",\"daemon off;\"],"
	"\"entrypoint\":[\"/docker-entrypoint.sh\"],"
	"\"environment\":{\"A\":\"1\",\"UNSET\":null},"
	"\"labels\":{\"team\":\"web\"},"
	"\"ports\":[{\"target\":80,\"published\":\"8080\",\"protocol\":\"tcp\","
	"\"mode\":\"ingress\"},{\"target\":53,\"protocol\":\"udp\","
	"\"host_ip\":\"127.0.0.1\",\"published\":\"5353\"},{\"target\":9000}],"
	"\"expose\":[\"3000\"],"
	"\"volumes\":[{\"type\":\"volume\",\"source\":\"data\",\"target\":"
	"\"/data\",\"read_only\":true},{\"type\":\"volume\",\"target\":"
	"\"/cache\"},{\"type\":\"bind\",\"source\":\"/work/app/conf\","
	"\"target\":\"/etc/nginx\",\"bind\":{\"create_host_path\":true},"
	"\"read_only\":true},{\"type\":\"bind\",\"source\":\"/srv\","
	"\"target\":\"/srv\"},{\"type\":\"tmpfs\",\"target\":\"/tmp\","
	"\"tmpfs\":{\"size\":\"64m\"}}],"
	"\"healthcheck\":{\"test\":[\"CMD-SHELL\",\"curl -f localhost\"],"
	"\"interval\":\"1m30s\",\"timeout\":\"500ms\",\"retries\":3,"
	"\"start_period\":\"10s\"},"
	"\"restart\":\"on-failure:5\",\"init\":true,\"tty\":true,"
	"\"stdin_open\":true,\"working_dir\":\"/app\",\"user\":\"1000:1000\","
	"\"hostname\":\"web\",\"stop_signal\":\"SIGQUIT\","
	"\"stop_grace_period\":\"1m\",\"mem_limit\":\"512m\",\"cpus\":0.5,"
	"\"cap_add\":[\"NET_ADMIN\"],\"cap_drop\":[\"ALL\"],"
	"\"extra_hosts\":[\"db=10.0.0.2\"],\"dns\":\"8.8.8.8\","
	"\"sysctls\":{\"net.core.somaxconn\":1024},"
	"\"ulimits\":{\"nofile\":{\"soft\":1024,\"hard\":2048},\"nproc\":64},"
	"\"logging\":{\"driver\":\"json-file\",\"options\":{\"max-size\":"
	"\"10m\"}},"
	"\"devices\":[\"/dev/fuse:/dev/fuse:rwm\"],\"shm_size\":\"1g\","
	"\"networks\":{\"back\":{\"aliases\":[\"api\"],\"priority\":10},"
	"\"front\":null},"
	"\"depends_on\":{\"db\":{\"condition\":\"service_healthy\","
	"\"restart\":true,\"required\":true}}},"
	"\"db\":{\"image\":\"postgres\",\"network_mode\":\"host\","
	"\"deploy\":{\"resources\":{\"limits\":{\"memory\":\"1G\","
	"\"cpus\":\"1.5\"}}},\"healthcheck\":{\"disable\":true},"
	"\"container_name\":\"thedb\"}},"
	"\"networks\":{\"back\":{\"name\":\"app_back\"},\"front\":{\"name\":"
	"\"app_front\"}},\"volumes\":{\"data\":{\"name\":\"app_data\"}}}";

static void
test_config_fields(void)
{
	struct project *p = load(full);
	json_t *s;

	REQUIRE(p);
	s = container_spec(p, &p->services[project_service_index(p, "web")], 2,
			   "sha256:abc");
	CHECK_AT(s, "Image", "\"nginx:1.25\"");
	CHECK_AT(s, "Cmd", "[\"nginx\",\"-g\",\"daemon off;\"]");
	CHECK_AT(s, "Entrypoint", "[\"/docker-entrypoint.sh\"]");
	CHECK_AT(s, "Env", "[\"A=1\"]");
	CHECK_AT(s, "Tty", "true");
	CHECK_AT(s, "OpenStdin", "true");
	CHECK_AT(s, "WorkingDir", "\"/app\"");
	CHECK_AT(s, "User", "\"1000:1000\"");
	CHECK_AT(s, "Hostname", "\"web\"");
	CHECK_AT(s, "StopSignal", "\"SIGQUIT\"");
	CHECK_AT(s, "StopTimeout", "60");
	CHECK_AT(s, "ExposedPorts",
		 "{\"3000/tcp\":{},\"53/udp\":{},\"80/tcp\":{},"
		 "\"9000/tcp\":{}}");
	CHECK_AT(s, "Healthcheck",
		 "{\"Interval\":90000000000,\"Retries\":3,\"StartPeriod\":"
		 "10000000000,\"Test\":[\"CMD-SHELL\",\"curl -f localhost\"],"
		 "\"Timeout\":500000000}");
	json_decref(s);
	project_free(p);
}

static void
test_labels(void)
{
	struct project *p = load(full);
	const struct service *web;
	json_t *s;

	REQUIRE(p);
	web = &p->services[project_service_index(p, "web")];
	s = container_spec(p, web, 2, "sha256:abc");
	json_t *l = json_object_get(s, "Labels");
	CHECK_STR(json_string_value(json_object_get(l, "team")), "web");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_PROJECT)), "app");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_SERVICE)), "web");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_NUMBER)), "2");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_ONEOFF)), "False");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_CONFIG_HASH)),
		  web->hash);
	CHECK_STR(json_string_value(json_object_get(l, LABEL_BERTH_HASH)),
		  web->hash);
	CHECK_STR(json_string_value(json_object_get(l, LABEL_IMAGE)),
		  "sha256:abc");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_DEPENDS_ON)),
		  "db:service_healthy:true");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_WORKING_DIR)),
		  "/work/app");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_CONFIG_FILES)),
		  "/work/app/compose.yaml,/work/app/compose.override.yaml");
	CHECK_STR(json_string_value(json_object_get(l, LABEL_VERSION)),
		  COMPOSE_COMPAT_VERSION);
	/* The stored config leaves out what the hash leaves out. */
	const char *cfg =
		json_string_value(json_object_get(l, "dev.berth.config"));
	REQUIRE(cfg);
	CHECK(strstr(cfg, "\"environment\":{\"A\":\"1\",\"UNSET\":null}"));
	CHECK(strstr(cfg, "depends_on") == NULL);
	json_decref(s);
	project_free(p);
}

static void
test_host_config(void)
{
	struct project *p = load(full);
	json_t *s;

	REQUIRE(p);
	s = container_spec(p, &p->services[project_service_index(p, "web")], 1,
			   NULL);
	CHECK_AT(
		s, "HostConfig/PortBindings",
		"{\"53/udp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"5353\"}],"
		"\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"8080\"}],"
		"\"9000/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"\"}]}");
	CHECK_AT(
		s, "HostConfig/Mounts",
		"[{\"ReadOnly\":true,\"Source\":\"app_data\",\"Target\":"
		"\"/data\",\"Type\":\"volume\"},{\"Target\":\"/cache\","
		"\"Type\":\"volume\"},{\"Source\":\"/srv\",\"Target\":\"/srv\","
		"\"Type\":\"bind\"},{\"Target\":\"/tmp\",\"TmpfsOptions\":"
		"{\"SizeBytes\":67108864},\"Type\":\"tmpfs\"}]");
	CHECK_AT(s, "HostConfig/Binds", "[\"/work/app/conf:/etc/nginx:ro\"]");
	CHECK_AT(s, "HostConfig/RestartPolicy",
		 "{\"MaximumRetryCount\":5,\"Name\":\"on-failure\"}");
	CHECK_AT(s, "HostConfig/Init", "true");
	CHECK_AT(s, "HostConfig/Memory", "536870912");
	CHECK_AT(s, "HostConfig/NanoCpus", "500000000");
	CHECK_AT(s, "HostConfig/ShmSize", "1073741824");
	CHECK_AT(s, "HostConfig/CapAdd", "[\"NET_ADMIN\"]");
	CHECK_AT(s, "HostConfig/CapDrop", "[\"ALL\"]");
	CHECK_AT(s, "HostConfig/ExtraHosts", "[\"db:10.0.0.2\"]");
	CHECK_AT(s, "HostConfig/Dns", "[\"8.8.8.8\"]");
	CHECK_AT(s, "HostConfig/Sysctls", "{\"net.core.somaxconn\":\"1024\"}");
	CHECK_AT(s, "HostConfig/Ulimits",
		 "[{\"Hard\":2048,\"Name\":\"nofile\",\"Soft\":1024},"
		 "{\"Hard\":64,\"Name\":\"nproc\",\"Soft\":64}]");
	CHECK_AT(s, "HostConfig/LogConfig",
		 "{\"Config\":{\"max-size\":\"10m\"},\"Type\":\"json-file\"}");
	CHECK_AT(s, "HostConfig/Devices",
		 "[{\"CgroupPermissions\":\"rwm\",\"PathInContainer\":"
		 "\"/dev/fuse\",\"PathOnHost\":\"/dev/fuse\"}]");
	json_decref(s);
	project_free(p);
}

static void
test_networks(void)
{
	struct project *p = load(full);
	const struct service *web;
	json_t *s, *extra;

	REQUIRE(p);
	web = &p->services[project_service_index(p, "web")];
	s = container_spec(p, web, 1, NULL);
	/* back has the higher priority: the container is created on it. */
	CHECK_AT(s, "HostConfig/NetworkMode", "\"app_back\"");
	CHECK_AT(s, "NetworkingConfig",
		 "{\"EndpointsConfig\":{\"app_back\":{\"Aliases\":[\"web\","
		 "\"api\"]}}}");
	extra = container_spec_extra_networks(p, web, 1);
	CHECK_AT(extra, "",
		 "[{\"body\":{\"EndpointConfig\":{\"Aliases\":[\"web\"]}},"
		 "\"network\":\"app_front\"}]");
	json_decref(extra);
	json_decref(s);

	/* network_mode, deploy limits, disabled healthcheck, fixed name. */
	const struct service *db = &p->services[project_service_index(p, "db")];
	s = container_spec(p, db, 1, NULL);
	CHECK_AT(s, "HostConfig/NetworkMode", "\"host\"");
	CHECK_AT(s, "NetworkingConfig", "(none)");
	CHECK_AT(s, "HostConfig/Memory", "1073741824");
	CHECK_AT(s, "HostConfig/NanoCpus", "1500000000");
	CHECK_AT(s, "Healthcheck", "{\"Test\":[\"NONE\"]}");
	char *name = container_name(p, db, 1);
	CHECK_STR(name, "thedb");
	free(name);
	name = container_name(p, web, 3);
	CHECK_STR(name, "app-web-3");
	free(name);
	naming_set_compat(true);
	name = container_name(p, web, 3);
	CHECK_STR(name, "app_web_3");
	free(name);
	naming_set_compat(false);
	json_decref(s);
	project_free(p);
}

static void
test_inherit_anonymous_volumes(void)
{
	struct project *p = load(full);
	json_t *s, *old;
	const char *anon1 = "1111111111111111111111111111111111111111111111111"
			    "111111111111111";
	const char *anon2 = "2222222222222222222222222222222222222222222222222"
			    "222222222222222";

	REQUIRE(p);
	s = container_spec(p, &p->services[project_service_index(p, "web")], 1,
			   NULL);
	old = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s, s:s},"
			"{s:s, s:s, s:s}]",
			"Type", "volume", "Name", anon1, "Destination",
			"/cache", "Type", "volume", "Name", anon2,
			"Destination", "/var/lib/image-volume", "Type",
			"volume", "Name", "app_data", "Destination", "/data",
			"Type", "bind", "Source", "/srv", "Destination",
			"/srv");
	container_spec_inherit(s, old);
	/* The service's anonymous /cache gets the old volume; the image's
	 * VOLUME is carried over; named and bind mounts are untouched. */
	CHECK_AT(s, "HostConfig/Mounts/1/Source",
		 "\"1111111111111111111111111"
		 "111111111111111111111111"
		 "111111111111111\"");
	CHECK_AT(s, "HostConfig/Mounts/0/Source", "\"app_data\"");
	CHECK_AT(s, "HostConfig/Mounts/4",
		 "{\"Source\":\"2222222222222222222222222222222222222222222222"
		 "222222222222222222\",\"Target\":\"/var/lib/image-volume\","
		 "\"Type\":\"volume\"}");
	CHECK_INT(json_array_size(json_object_get(
			  json_object_get(s, "HostConfig"), "Mounts")),
		  5);
	json_decref(old);
	json_decref(s);
	project_free(p);
}

static const char extras[] =
	"{\"name\":\"app\",\"services\":{"
	"\"io\":{\"image\":\"busybox\",\"platform\":\"linux/arm64\","
	"\"blkio_config\":{\"weight\":300,"
	"\"weight_device\":[{\"path\":\"/dev/sda\",\"weight\":400}],"
	"\"device_read_bps\":[{\"path\":\"/dev/sda\",\"rate\":\"12mb\"}],"
	"\"device_write_bps\":[{\"path\":\"/dev/sdb\",\"rate\":1048576}],"
	"\"device_read_iops\":[{\"path\":\"/dev/sda\",\"rate\":120}],"
	"\"device_write_iops\":[{\"path\":\"/dev/sdb\",\"rate\":\"30\"}]}},"
	"\"all\":{\"image\":\"busybox\",\"gpus\":\"all\"},"
	"\"list\":{\"image\":\"busybox\",\"gpus\":["
	"{\"driver\":\"nvidia\",\"count\":2,\"capabilities\":[\"compute\"]},"
	"{\"device_ids\":[\"1\"],\"options\":{\"x\":\"y\"}}]},"
	"\"rsv\":{\"image\":\"busybox\",\"gpus\":[{\"driver\":\"nvidia\"}],"
	"\"deploy\":{\"resources\":{\"reservations\":{\"memory\":\"1g\","
	"\"devices\":["
	"{\"capabilities\":[\"gpu\"],\"driver\":\"nvidia\",\"count\":\"all\"},"
	"{\"capabilities\":[\"gpu\",\"utility\"],\"device_ids\":[\"0\",\"3\"],"
	"\"options\":{\"a\":\"b\"}},"
	"{\"capabilities\":[\"tpu\"]}]}}}},"
	"\"plain\":{\"image\":\"busybox\"}}}";

static json_t *
spec_of(struct project *p, const char *svc)
{
	return container_spec(p, &p->services[project_service_index(p, svc)], 1,
			      NULL);
}

static void
test_blkio(void)
{
	struct project *p = load(extras);
	json_t *s;

	REQUIRE(p);
	s = spec_of(p, "io");
	CHECK_AT(s, "HostConfig/BlkioWeight", "300");
	CHECK_AT(s, "HostConfig/BlkioWeightDevice",
		 "[{\"Path\":\"/dev/sda\",\"Weight\":400}]");
	/* A rate may be a byte string, as mem_limit. */
	CHECK_AT(s, "HostConfig/BlkioDeviceReadBps",
		 "[{\"Path\":\"/dev/sda\",\"Rate\":12582912}]");
	CHECK_AT(s, "HostConfig/BlkioDeviceWriteBps",
		 "[{\"Path\":\"/dev/sdb\",\"Rate\":1048576}]");
	CHECK_AT(s, "HostConfig/BlkioDeviceReadIOps",
		 "[{\"Path\":\"/dev/sda\",\"Rate\":120}]");
	CHECK_AT(s, "HostConfig/BlkioDeviceWriteIOps",
		 "[{\"Path\":\"/dev/sdb\",\"Rate\":30}]");
	CHECK_AT(s, "HostConfig/DeviceRequests", "(none)");
	json_decref(s);
	s = spec_of(p, "plain");
	CHECK_AT(s, "HostConfig/BlkioWeight", "(none)");
	CHECK_AT(s, "HostConfig/BlkioDeviceReadBps", "(none)");
	CHECK_AT(s, "HostConfig/DeviceRequests", "(none)");
	json_decref(s);
	project_free(p);
}

static void
test_device_requests(void)
{
	struct project *p = load(extras);
	json_t *s;

	REQUIRE(p);
	/* gpus: all -> every GPU, capability gpu. */
	s = spec_of(p, "all");
	CHECK_AT(
		s, "HostConfig/DeviceRequests",
		"[{\"Capabilities\":[[\"gpu\"]],\"Count\":-1,\"Driver\":\"\"}]");
	json_decref(s);
	/* A gpus list: "gpu" appended to each entry's capabilities; ids
	   without a count ask for no count. */
	s = spec_of(p, "list");
	CHECK_AT(s, "HostConfig/DeviceRequests",
		 "[{\"Capabilities\":[[\"compute\",\"gpu\"]],\"Count\":2,"
		 "\"Driver\":\"nvidia\"},"
		 "{\"Capabilities\":[[\"gpu\"]],\"Count\":0,\"DeviceIDs\":"
		 "[\"1\"],\"Driver\":\"\",\"Options\":{\"x\":\"y\"}}]");
	json_decref(s);
	/* Reservations first, as given (count all -> -1, device_ids, neither
	   -> all), then gpus (neither count nor ids -> all). */
	s = spec_of(p, "rsv");
	CHECK_AT(s, "HostConfig/DeviceRequests",
		 "[{\"Capabilities\":[[\"gpu\"]],\"Count\":-1,"
		 "\"Driver\":\"nvidia\"},"
		 "{\"Capabilities\":[[\"gpu\",\"utility\"]],\"Count\":0,"
		 "\"DeviceIDs\":[\"0\",\"3\"],\"Driver\":\"\",\"Options\":"
		 "{\"a\":\"b\"}},"
		 "{\"Capabilities\":[[\"tpu\"]],\"Count\":-1,\"Driver\":\"\"},"
		 "{\"Capabilities\":[[\"gpu\"]],\"Count\":-1,"
		 "\"Driver\":\"nvidia\"}]");
	CHECK_AT(s, "HostConfig/MemoryReservation", "1073741824");
	json_decref(s);
	project_free(p);
}

static void
test_platform(void)
{
	struct project *p = load(extras);
	const struct service *io, *plain;
	char *path;

	REQUIRE(p);
	io = &p->services[project_service_index(p, "io")];
	plain = &p->services[project_service_index(p, "plain")];
	unsetenv("DOCKER_DEFAULT_PLATFORM");
	CHECK_STR(container_spec_platform(p, io), "linux/arm64");
	CHECK(container_spec_platform(p, plain) == NULL);
	path = container_spec_create_path(p, io, "app-io-1");
	CHECK_STR(path,
		  "/containers/create?name=app-io-1&platform=linux%2Farm64");
	free(path);
	path = container_spec_create_path(p, plain, "app-plain-1");
	CHECK_STR(path, "/containers/create?name=app-plain-1");
	free(path);
	path = container_spec_create_path(p, NULL, "x");
	CHECK_STR(path, "/containers/create?name=x");
	free(path);
	/* DOCKER_DEFAULT_PLATFORM stands in for a missing platform key. */
	setenv("DOCKER_DEFAULT_PLATFORM", "linux/386", 1);
	CHECK_STR(container_spec_platform(p, plain), "linux/386");
	CHECK_STR(container_spec_platform(p, io), "linux/arm64");
	unsetenv("DOCKER_DEFAULT_PLATFORM");
	project_free(p);
}

int
main(void)
{
	TEST_RUN(test_config_fields);
	TEST_RUN(test_labels);
	TEST_RUN(test_host_config);
	TEST_RUN(test_networks);
	TEST_RUN(test_inherit_anonymous_volumes);
	TEST_RUN(test_blkio);
	TEST_RUN(test_device_requests);
	TEST_RUN(test_platform);
	return test_report();
}
