/*
 * TruffleXen guest SDK: formatted output.
 *
 * Conversions: d i u x X o p s c %, with flags '-' '0' '+' ' ' '#', a width
 * and precision (numbers or '*'), and length modifiers hh h l ll z j t.
 * printf() goes to the selected console sinks, early_printk() to console_io
 * only. Output is formatted into a small buffer and written in pieces.
 */
#ifndef TRUFFLEXEN_SDK_PRINTF_H
#define TRUFFLEXEN_SDK_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#define SDK_PRINTF_FORMAT(f, a) __attribute__((format(printf, f, a)))

int printf(const char *fmt, ...) SDK_PRINTF_FORMAT(1, 2);
int vprintf(const char *fmt, va_list ap) SDK_PRINTF_FORMAT(1, 0);
int early_printk(const char *fmt, ...) SDK_PRINTF_FORMAT(1, 2);
int snprintf(char *buf, size_t size, const char *fmt, ...) SDK_PRINTF_FORMAT(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) SDK_PRINTF_FORMAT(3, 0);
int puts(const char *s); /* s and a newline */
int putchar(int c);

/*
 * The formatter behind all of the above: emit(ctx, chunk, len) receives the
 * output in pieces. Returns the number of characters produced.
 */
typedef void (*format_sink_fn)(void *ctx, const char *chunk, size_t len);
int format_output(format_sink_fn emit, void *ctx, const char *fmt, va_list ap);

#endif /* TRUFFLEXEN_SDK_PRINTF_H */
