/*
 * TruffleXen guest SDK: memory and string functions. The SDK defines them
 * (sdk/lib/string.c) because gcc may emit calls to memcpy, memset, memmove
 * and memcmp on its own. The macros below route calls through gcc's
 * builtins so constant-size copies are inlined even with -ffreestanding.
 */
#ifndef TRUFFLEXEN_SDK_STRING_H
#define TRUFFLEXEN_SDK_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

#ifndef SDK_STRING_IMPLEMENTATION
#define memcpy(d, s, n)  __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memset(d, c, n)  __builtin_memset(d, c, n)
#define memcmp(a, b, n)  __builtin_memcmp(a, b, n)
#define strlen(s)        __builtin_strlen(s)
#endif

#endif /* TRUFFLEXEN_SDK_STRING_H */
