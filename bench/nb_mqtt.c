/* SPDX-License-Identifier: MIT */
/* nb_mqtt: the peer figure. A libmosquitto publisher and subscriber against a
 * mosquitto broker on 127.0.0.1 (started by bench.sh with its own config),
 * N messages of SIZE bytes at QoS 1, at most WINDOW unacknowledged PUBLISHes
 * in flight (natter keeps 256). Timed from the first PUBLISH until the
 * subscriber has received every message.
 *
 *   nb_mqtt PORT N SIZE WINDOW */
#define _GNU_SOURCE
#include "nb_common.h"

#include <mosquitto.h>
#include <pthread.h>
#include <unistd.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long inflight, received, acked;
static int subscribed, pub_connected, sub_connected;

static void on_connect(struct mosquitto *m, void *ud, int rc)
{
	(void)m;
	pthread_mutex_lock(&mu);
	if (rc == 0)
		*(int *)ud = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *qos)
{
	(void)m;
	(void)ud;
	(void)mid;
	pthread_mutex_lock(&mu);
	subscribed = n == 1 && qos[0] == 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void on_publish(struct mosquitto *m, void *ud, int mid)
{
	(void)m;
	(void)ud;
	(void)mid;
	pthread_mutex_lock(&mu);
	inflight--;
	acked++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
	(void)m;
	(void)ud;
	(void)msg;
	pthread_mutex_lock(&mu);
	received++;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

/* One wait on cv (mu held), at most 100 ms: -1 once past the deadline. */
static int wait_until(const int64_t deadline_ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t left = deadline_ns - nb_mono_ns();
	if (left <= 0)
		return -1;
	if (left > 100000000)
		left = 100000000;
	ts.tv_nsec += (long)left;
	ts.tv_sec += ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	pthread_cond_timedwait(&cv, &mu, &ts);
	return 0;
}

static struct mosquitto *client(const char *id, int *connected_flag, long port)
{
	struct mosquitto *m = mosquitto_new(id, true, connected_flag);
	if (!m)
		nb_die("mosquitto_new");
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	mosquitto_connect_callback_set(m, on_connect);
	if (mosquitto_connect(m, "127.0.0.1", (int)port, 60) != MOSQ_ERR_SUCCESS)
		nb_die("cannot connect to the broker on 127.0.0.1:%ld", port);
	if (mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS)
		nb_die("mosquitto_loop_start");
	return m;
}

int main(int argc, char **argv)
{
	if (argc != 5)
		nb_die("usage: nb_mqtt PORT N SIZE WINDOW");
	long port = nb_atol(argv[1], "PORT"), n = nb_atol(argv[2], "N");
	long size = nb_atol(argv[3], "SIZE"), window = nb_atol(argv[4], "WINDOW");
	if (port < 1 || port > 65535 || n < 1 || size < 1 || size > 65536 || window < 1)
		nb_die("bad arguments");
	char topic[64], id[64];
	snprintf(topic, sizeof topic, "nb/%ld", (long)getpid());
	mosquitto_lib_init();
	int64_t deadline = nb_mono_ns() + 20 * 1000000000LL;

	snprintf(id, sizeof id, "nb-sub-%ld", (long)getpid());
	struct mosquitto *sub = client(id, &sub_connected, port);
	mosquitto_subscribe_callback_set(sub, on_subscribe);
	mosquitto_message_callback_set(sub, on_message);
	snprintf(id, sizeof id, "nb-pub-%ld", (long)getpid());
	struct mosquitto *pub = client(id, &pub_connected, port);
	mosquitto_publish_callback_set(pub, on_publish);
	mosquitto_max_inflight_messages_set(pub, (unsigned int)window);

	pthread_mutex_lock(&mu);
	while (!(sub_connected && pub_connected))
		if (wait_until(deadline) != 0)
			nb_die("no CONNACK from the broker");
	pthread_mutex_unlock(&mu);
	if (mosquitto_subscribe(sub, NULL, topic, 1) != MOSQ_ERR_SUCCESS)
		nb_die("subscribe");
	pthread_mutex_lock(&mu);
	while (!subscribed)
		if (wait_until(deadline) != 0)
			nb_die("no SUBACK at QoS 1");
	pthread_mutex_unlock(&mu);

	char *payload = malloc((size_t)size);
	if (!payload)
		nb_die("out of memory");
	memset(payload, 'x', (size_t)size);
	deadline = nb_mono_ns() + 300 * 1000000000LL;
	int64_t t0 = nb_mono_ns();
	for (long i = 0; i < n; i++) {
		pthread_mutex_lock(&mu);
		while (inflight >= window)
			if (wait_until(deadline) != 0)
				nb_die("publish window stuck at %ld", inflight);
		inflight++;
		pthread_mutex_unlock(&mu);
		int k = snprintf(payload, (size_t)size, "m%08ld ", i);
		payload[k] = 'x';
		int rc;
		while ((rc = mosquitto_publish(pub, NULL, topic, (int)size, payload, 1, false)) ==
		       MOSQ_ERR_NOMEM)
			nb_sleep_us(100);
		if (rc != MOSQ_ERR_SUCCESS)
			nb_die("publish: %s", mosquitto_strerror(rc));
	}
	pthread_mutex_lock(&mu);
	while (received < n || acked < n)
		if (wait_until(deadline) != 0)
			nb_die("only %ld of %ld received", received, n);
	pthread_mutex_unlock(&mu);
	int64_t dt = nb_mono_ns() - t0;
	printf("messages=%ld\nmsgs_per_s=%.0f\n", n, (double)n / ((double)dt / 1e9));
	mosquitto_disconnect(pub);
	mosquitto_disconnect(sub);
	mosquitto_loop_stop(pub, false);
	mosquitto_loop_stop(sub, false);
	mosquitto_destroy(pub);
	mosquitto_destroy(sub);
	mosquitto_lib_cleanup();
	free(payload);
	return 0;
}
