# TruffleXen guest SDK: the link flags of every guest (sdk.mk adds the linker
# script; shapes/ relinks hello with a variant of it).
SDK_LINK_FLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--no-dynamic-linker
