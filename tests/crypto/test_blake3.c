/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BLAKE3: official test vectors (a subset of test_vectors/test_vectors.json
 * from the BLAKE3 repository, the lengths that straddle chunk and tree
 * edges, each 131 bytes of output in all three modes), plus properties the
 * differential test (diff_blake3.py against b3sum) cannot see from outside:
 * final() leaves the hasher usable, seeks agree with the long output, and
 * byte-at-a-time input agrees with one-shot input.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "crypto/blake3.h"
#include "hash_vectors.h"

#define KEY	"whats the Elvish word for friend"
#define CONTEXT "BLAKE3 2019-12-27 16:29:52 test vectors context"

/* input = 0, 1, ..., 250, 0, 1, ... of input_len bytes */
static const struct {
	size_t len;
	const char *hash, *keyed, *derive;
} vec[] = {
    {0,
     "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262e00f03e7b69af26b"
     "7faaf09fcd333050338ddfe085b8cc869ca98b206c08243a26f5487789e8f660afe6c99ef9e0c52b"
     "92e7393024a80459cf91f476f9ffdbda7001c22e159b402631f277ca96f2defdf1078282314e7636"
     "99a31c5363165421cce14d",
     "92b2b75604ed3c761f9d6f62392c8a9227ad0ea3f09573e783f1498a4ed60d26b18171a2f22a4b94"
     "822c701f107153dba24918c4bae4d2945c20ece13387627d3b73cbf97b797d5e59948c7ef788f543"
     "72df45e45e4293c7dc18c1d41144a9758be58960856be1eabbe22c2653190de560ca3b2ac4aa692a"
     "9210694254c371e851bc8f",
     "2cc39783c223154fea8dfb7c1b1660f2ac2dcbd1c1de8277b0b0dd39b7e50d7d905630c8be290dfc"
     "f3e6842f13bddd573c098c3f17361f1f206b8cad9d088aa4a3f746752c6b0ce6a83b0da81d596492"
     "57cdf8eb3e9f7d4998e41021fac119deefb896224ac99f860011f73609e6e0e4540f93b273e56547"
     "dfd3aa1a035ba6689d89a0"},
    {1,
     "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213c3a6cb8bf623e20c"
     "db535f8d1a5ffb86342d9c0b64aca3bce1d31f60adfa137b358ad4d79f97b47c3d5e79f179df87a3"
     "b9776ef8325f8329886ba42f07fb138bb502f4081cbcec3195c5871e6c23e2cc97d3c69a613eba13"
     "1e5f1351f3f1da786545e5",
     "6d7878dfff2f485635d39013278ae14f1454b8c0a3a2d34bc1ab38228a80c95b6568c04906094130"
     "06fbd428eb3fd14e7756d90f73a4725fad147f7bf70fd61c4e0cf7074885e92b0e3f125978b41549"
     "86d4fb202a3f331a3fb6cf349a3a70e49990f98fe4289761c8602c4e6ab1138d31d3b62218078b2f"
     "3ba9a88e1d08d0dd4cea11",
     "b3e2e340a117a499c6cf2398a19ee0d29cca2bb7404c73063382693bf66cb06c5827b91bf889b6b9"
     "7c5477f535361caefca0b5d8c4746441c57617111933158950670f9aa8a05d791daae10ac683cbef"
     "8faf897c84e6114a59d2173c3f417023a35d6983f2c7dfa57e7fc559ad751dbfb9ffab39c2ef8c4a"
     "afebc9ae973a64f0c76551"},
    {1024,
     "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af71cf8107265ecdaf8"
     "505b95d8fcec83a98a6a96ea5109d2c179c47a387ffbb404756f6eeae7883b446b70ebb144527c20"
     "75ab8ab204c0086bb22b7c93d465efc57f8d917f0b385c6df265e77003b85102967486ed57db5c5c"
     "a170ba441427ed9afa684e",
     "75c46f6f3d9eb4f55ecaaee480db732e6c2105546f1e675003687c31719c7ba4a78bc838c72852d4"
     "f49c864acb7adafe2478e824afe51c8919d06168414c265f298a8094b1ad813a9b8614acabac321f"
     "24ce61c5a5346eb519520d38ecc43e89b5000236df0597243e4d2493fd626730e2ba17ac4d8824d0"
     "9d1a4a8f57b8227778e2de",
     "7356cd7720d5b66b6d0697eb3177d9f8d73a4a5c5e968896eb6a6896843027066c23b601d3ddfb39"
     "1e90d5c8eccdef4ae2a264bce9e612ba15e2bc9d654af1481b2e75dbabe615974f1070bba84d5685"
     "3265a34330b4766f8e75edd1f4a1650476c10802f22b64bd3919d246ba20a17558bc51c199efdec6"
     "7e80a227251808d8ce5bad"},
    {1025,
     "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444f4c4a22b4b399155"
     "358a994e52bf255de60035742ec71bd08ac275a1b51cc6bfe332b0ef84b409108cda080e6269ed4b"
     "3e2c3f7d722aa4cdc98d16deb554e5627be8f955c98e1d5f9565a9194cad0c4285f93700062d9595"
     "adb992ae68ff12800ab67a",
     "357dc55de0c7e382c900fd6e320acc04146be01db6a8ce7210b7189bd664ea69362396b77fdc0d26"
     "34a552970843722066c3c15902ae5097e00ff53f1e116f1cd5352720113a837ab2452cafbde4d540"
     "85d9cf5d21ca613071551b25d52e69d6c81123872b6f19cd3bc1333edf0c52b94de23ba772cf8263"
     "6cff4542540a7738d5b930",
     "effaa245f065fbf82ac186839a249707c3bddf6d3fdda22d1b95a3c970379bcb5d31013a167509e9"
     "066273ab6e2123bc835b408b067d88f96addb550d96b6852dad38e320b9d940f86db74d398c770f4"
     "62118b35d2724efa13da97194491d96dd37c3c09cbef665953f2ee85ec83d88b88d11547a6f911c8"
     "217cca46defa2751e7f3ad"},
    {2049,
     "5f4d72f40d7a5f82b15ca2b2e44b1de3c2ef86c426c95c1af0b687952256303096de31d71d741034"
     "03822a2e0bc1eb193e7aecc9643a76b7bbc0c9f9c52e8783aae98764ca468962b5c2ec92f0c74eb5"
     "448d519713e09413719431c802f948dd5d90425a4ecdadece9eb178d80f26efccae630734dff6334"
     "0285adec2aed3b51073ad3",
     "9f29700902f7c86e514ddc4df1e3049f258b2472b6dd5267f61bf13983b78dd5f9a88abfefdfa1e0"
     "0b418971f2b39c64ca621e8eb37fceac57fd0c8fc8e117d43b81447be22d5d8186f8f5919ba6bcc6"
     "846bd7d50726c06d245672c2ad4f61702c646499ee1173daa061ffe15bf45a631e2946d616a4c345"
     "822f1151284712f76b2b0e",
     "2ea477c5515cc3dd606512ee72bb3e0e758cfae7232826f35fb98ca1bcbdf27316d8e9e79081a80b"
     "046b60f6a263616f33ca464bd78d79fa18200d06c7fc9bffd808cc4755277a7d5e09da0f29ed150f"
     "6537ea9bed946227ff184cc66a72a5f8c1e4bd8b04e81cf40fe6dc4427ad5678311a61f4ffc39d19"
     "5589bdbc670f63ae70f4b6"},
    {3073,
     "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd39a27ae3b79d68d89"
     "da9bf25bc27139ae65a324918a5f9b7828181e52cf373c84f35b639b7fccbb985b6f2fa56aea0c18"
     "f531203497b8bbd3a07ceb5926f1cab74d14bd66486d9a91eba99059a98bd1cd25876b2af5a76c3e"
     "9eed554ed72ea952b603bf",
     "68dede9bef00ba89e43f31a6825f4cf433389fedae75c04ee9f0cf16a427c95a96d6da3fe985054d"
     "3478865be9a092250839a697bbda74e279e8a9e69f0025e4cfddd6cfb434b1cd9543aaf97c635d1b"
     "451a4386041e4bb100f5e45407cbbc24fa53ea2de3536ccb329e4eb9466ec37093a42cf62b82903c"
     "696a93a50b702c80f3c3c5",
     "72613c9ec9ff7e40f8f5c173784c532ad852e827dba2bf85b2ab4b76f7079081576288e552647a9d"
     "86481c2cae75c2dd4e7c5195fb9ada1ef50e9c5098c249d743929191441301c69e1f48505a4305ec"
     "1778450ee48b8e69dc23a25960fe33070ea549119599760a8a2d28aeca06b8c5e9ba58bc19e11fe5"
     "7b6ee98aa44b2a8e6b14a5"},
    {5121,
     "628bd2cb2004694adaab7bbd778a25df25c47b9d4155a55f8fbd79f2fe154cff96adaab0613a6146"
     "cdaabe498c3a94e529d3fc1da2bd08edf54ed64d40dcd6777647eac51d8277d70219a9694334a68b"
     "c8f0f23e20b0ff70ada6f844542dfa32cd4204ca1846ef76d811cdb296f65e260227f477aa7aa008"
     "bac878f72257484f2b6c95",
     "6ccf1c34753e7a044db80798ecd0782a8f76f33563accaddbfbb2e0ea4b2d0240d07e63f13667a8d"
     "1490e5e04f13eb617aea16a8c8a5aaed1ef6fbde1b0515e3c81050b361af6ead126032998290b563"
     "e3caddeaebfab592e155f2e161fb7cba939092133f23f9e65245e58ec23457b78a2e8a125588aad6"
     "e07d7f11a85b88d375b72d",
     "b07f01e518e702f7ccb44a267e9e112d403a7b3f4883a47ffbed4b48339b3c341a0add0ac032ab5a"
     "aea1e4e5b004707ec5681ae0fcbe3796974c0b1cf31a194740c14519273eedaabec832e8a784b6e7"
     "cfc2c5952677e6c3f2c3914454082d7eb1ce1766ac7d75a4d3001fc89544dd46b5147382240d689b"
     "bbaefc359fb6ae30263165"},
};

static void fill251(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i % 251);
}

static void test_blake3_official(void **state)
{
	static uint8_t in[6000];
	uint8_t out[131], want[131], out32[32];

	fill251(in, sizeof(in));
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t n = vec[i].len;
		assert_int_equal(hex_decode(vec[i].hash, want, sizeof(want)), 131);
		vx_blake3(in, n, out, sizeof(out));
		assert_memory_equal(out, want, 131);
		vx_blake3(in, n, out32, 32);
		assert_memory_equal(out32, want, 32);
		assert_int_equal(hex_decode(vec[i].keyed, want, sizeof(want)), 131);
		vx_blake3_keyed((const uint8_t *)KEY, in, n, out, sizeof(out));
		assert_memory_equal(out, want, 131);
		assert_int_equal(hex_decode(vec[i].derive, want, sizeof(want)), 131);
		vx_blake3_derive_key(CONTEXT, in, n, out, sizeof(out));
		assert_memory_equal(out, want, 131);
	}
}

/* final() twice gives the same bytes, and more input may follow it. */
static void test_blake3_final_is_pure(void **state)
{
	static uint8_t in[5000];
	uint8_t a[64], b[64], c[64];
	struct vx_blake3 h;

	fill251(in, sizeof(in));
	vx_blake3_init(&h);
	vx_blake3_update(&h, in, 3000);
	vx_blake3_final(&h, a, 64);
	vx_blake3_final(&h, b, 64);
	assert_memory_equal(a, b, 64);
	vx_blake3(in, 3000, c, 64);
	assert_memory_equal(a, c, 64);
	vx_blake3_update(&h, in + 3000, 2000);
	vx_blake3_final(&h, a, 64);
	vx_blake3(in, 5000, c, 64);
	assert_memory_equal(a, c, 64);
}

/* final_seek(off, n) is bytes off..off+n of one long output. */
static void test_blake3_seek(void **state)
{
	static uint8_t longout[4096];
	uint8_t part[300];
	struct vx_blake3 h;
	uint64_t s = 0xb3;

	vx_blake3_init_keyed(&h, (const uint8_t *)KEY);
	vx_blake3_update(&h, "seekable", 8);
	vx_blake3_final(&h, longout, sizeof(longout));
	for (int i = 0; i < 2000; i++) {
		size_t off = (size_t)(rng_next(&s) % 3800), n = (size_t)(rng_next(&s) % 297);
		vx_blake3_final_seek(&h, off, part, n);
		assert_memory_equal(part, longout + off, n);
	}
}

/* One byte per update, across many chunks, matches one update. */
static void test_blake3_bytewise(void **state)
{
	static uint8_t in[9 * 1024 + 7];
	uint8_t a[32], b[32];
	struct vx_blake3 h;

	fill251(in, sizeof(in));
	vx_blake3_init_derive_key(&h, CONTEXT);
	for (size_t i = 0; i < sizeof(in); i++)
		vx_blake3_update(&h, in + i, 1);
	vx_blake3_final(&h, a, 32);
	vx_blake3_derive_key(CONTEXT, in, sizeof(in), b, 32);
	assert_memory_equal(a, b, 32);
	vx_blake3_update(&h, NULL, 0);
	vx_blake3_final(&h, b, 32);
	assert_memory_equal(a, b, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blake3_official),
	    cmocka_unit_test(test_blake3_final_is_pure),
	    cmocka_unit_test(test_blake3_seek),
	    cmocka_unit_test(test_blake3_bytewise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
