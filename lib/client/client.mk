# SPDX-License-Identifier: BSD-3-Clause
#
# lib/client: the client side of the service protocols, one pair of files
# per protocol, named after it: client/fs.{h,c} speaks
# include/vectra/proto/fs.h, client/console.{h,c} speaks
# include/vectra/proto/console.h.  It sits above lib/rt (it sends through
# rt/svc.h) and below the programs that link it; lib/rt includes nothing
# from here (tools/check-layers.py).  Built for VectraOS only.
CLIENT_SRCS     := $(sort $(wildcard lib/client/*.c))
CLIENT_USER_OBJS := $(call objs,$(B)/user,$(CLIENT_SRCS))
CLIENT_LIB      := $(B)/user/libvxclient.a

$(B)/user/libvxclient.a: $(CLIENT_USER_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
