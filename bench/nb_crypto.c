/* SPDX-License-Identifier: MIT */
/* nb_crypto: what libsodium alone allows per message, on one core.
 *
 *   nb_crypto N SIZE
 *     ss_plain_per_s     one secretstream push + pull of SIZE bytes
 *     ss_frame_per_s     a natter MSG frame as protocol.md section 5.2 builds it for
 *                        SIZE bytes of text: sodium_pad to 16 of the 1 + 36 + SIZE
 *                        byte body, push of the 2-byte length and of the body,
 *                        then both pulls and sodium_unpad
 *     sign_us, verify_us Ed25519 over a 134-byte beacon (discovery) */
#include "nb_common.h"

#include <sodium.h>

static double ss_run(long n, long size, int framed)
{
	crypto_secretstream_xchacha20poly1305_state tx, rx;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char hdr[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	size_t body = framed ? (size_t)(1 + 36 + size) : (size_t)size;
	size_t cap = body + 32;
	unsigned char *pt = malloc(cap), *ct = malloc(cap + 64), *out = malloc(cap);
	unsigned char lct[2 + crypto_secretstream_xchacha20poly1305_ABYTES], lpt[2];
	unsigned long long clen, mlen;
	unsigned char tag;
	if (!pt || !ct || !out)
		nb_die("out of memory");
	memset(pt, 'x', body);
	crypto_secretstream_xchacha20poly1305_keygen(key);
	crypto_secretstream_xchacha20poly1305_init_push(&tx, hdr, key);
	if (crypto_secretstream_xchacha20poly1305_init_pull(&rx, hdr, key) != 0)
		nb_die("init_pull");
	int64_t t0 = nb_mono_ns();
	for (long i = 0; i < n; i++) {
		size_t plen = body;
		if (framed) {
			memset(pt + 1 + 36, 'x', (size_t)size); /* re-encode, as wire_msg_encode does */
			pt[0] = 0x02;
			if (sodium_pad(&plen, pt, body, 16, cap) != 0)
				nb_die("sodium_pad");
			unsigned char len[2] = {(unsigned char)((plen / 16) >> 8),
						(unsigned char)(plen / 16)};
			crypto_secretstream_xchacha20poly1305_push(&tx, lct, &clen, len, 2, NULL, 0,
								   0);
			if (crypto_secretstream_xchacha20poly1305_pull(&rx, lpt, &mlen, &tag, lct,
								       clen, NULL, 0) != 0)
				nb_die("pull (length)");
		}
		crypto_secretstream_xchacha20poly1305_push(&tx, ct, &clen, pt, plen, NULL, 0, 0);
		if (crypto_secretstream_xchacha20poly1305_pull(&rx, out, &mlen, &tag, ct, clen, NULL,
							       0) != 0)
			nb_die("pull");
		if (framed) {
			size_t ulen;
			if (sodium_unpad(&ulen, out, (size_t)mlen, 16) != 0 || ulen != body)
				nb_die("sodium_unpad");
		}
	}
	int64_t dt = nb_mono_ns() - t0;
	free(pt);
	free(ct);
	free(out);
	return (double)n / ((double)dt / 1e9);
}

static void sig_run(long n, double *sign_us, double *verify_us)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char msg[16 + 70], sig[crypto_sign_BYTES];
	crypto_sign_keypair(pk, sk);
	memset(msg, 'b', sizeof msg);
	int64_t t0 = nb_mono_ns();
	for (long i = 0; i < n; i++) {
		msg[0] = (unsigned char)i;
		crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
	}
	int64_t t1 = nb_mono_ns();
	for (long i = 0; i < n; i++)
		if (crypto_sign_verify_detached(sig, msg, sizeof msg, pk) != 0)
			nb_die("verify");
	int64_t t2 = nb_mono_ns();
	*sign_us = (double)(t1 - t0) / 1e3 / (double)n;
	*verify_us = (double)(t2 - t1) / 1e3 / (double)n;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		nb_die("usage: nb_crypto N SIZE");
	long n = nb_atol(argv[1], "N"), size = nb_atol(argv[2], "SIZE");
	if (n < 1 || size < 1 || size > 65536)
		nb_die("bad N or SIZE");
	if (sodium_init() < 0)
		nb_die("sodium_init");
	double s, v;
	printf("ss_plain_per_s=%.0f\n", ss_run(n, size, 0));
	printf("ss_frame_per_s=%.0f\n", ss_run(n, size, 1));
	sig_run(n / 100 + 10, &s, &v);
	printf("sign_us=%.1f\nverify_us=%.1f\n", s, v);
	return 0;
}
