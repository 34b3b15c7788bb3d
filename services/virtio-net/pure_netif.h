/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoding half of the frame protocol (vectra/proto/netif.h): every
 * check a request must pass, as pure functions over the driver's record of
 * who holds which buffer.  They only read and return the first error in
 * netif.h's order; the driver acts only on VX_OK, and acting cannot fail.
 * Built for the host too (tests/host/test_netif.c).
 */
#ifndef VIRTIO_NET_PURE_NETIF_H
#define VIRTIO_NET_PURE_NETIF_H

#include <stdbool.h>
#include <stdint.h>
#include "vectra/abi.h"
#include "vectra/proto/netif.h"

/* Who holds each buffer of the connection that holds the NIC. */
struct nf_pools {
	uint32_t rx_count, tx_count;	/* 0: no pools yet */
	bool client_has[NETIF_RX_MAX];	/* RX buffer i is the client's */
	bool tx_inflight[NETIF_TX_MAX]; /* a NETIF_TX on TX buffer i is in flight */
	uint32_t features;		/* NETIF_FEAT_* the device offers */
};

/* NETIF_POOLS: data/len, and the two capabilities as inspected (NULL: not
 * sent, or not a capability).  On VX_OK *out holds the counts and the
 * held bitmap. */
int nf_decode_pools(const void *data, uint32_t len, uint32_t ncaps, const struct vx_cap_info *rx,
		    const struct vx_cap_info *tx, struct netif_pools *out);

/* NETIF_RECV against p: on VX_OK the wait in ms, and in *back the buffers
 * it gives back, all the client's, each once (count 0: none). */
int nf_decode_recv(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		   uint32_t *wait_ms, struct netif_return *back);

/* NETIF_RETURN against p: on VX_OK *out lists buffers that are all the
 * client's, each once. */
int nf_decode_return(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		     struct netif_return *out);

/* NETIF_TX against p. */
int nf_decode_tx(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		 struct netif_tx *out);

/* NETIF_TXV against p: on VX_OK *out holds 1..NETIF_TX_BATCH entries, each
 * one that NETIF_TX would take, no buffer twice.  Any fault refuses the
 * whole message, with the first error in entry order. */
int nf_decode_txv(const struct nf_pools *p, const void *data, uint32_t len, uint32_t ncaps,
		  struct netif_txv *out);

#endif
