/*
 * TruffleXen guest SDK: printf and friends on one formatter.
 *
 * format_output() walks the format string and hands the output to a sink
 * in pieces: literal runs as they are, each conversion as padding plus
 * digits. printf() collects pieces in a buffer on the stack and writes it
 * to the console when full and at the end; vsnprintf() copies into the
 * caller's buffer and counts what did not fit.
 */
#include <sdk/kernel.h>

#define FLAG_LEFT  (1u << 0) /* '-' */
#define FLAG_ZERO  (1u << 1) /* '0' */
#define FLAG_PLUS  (1u << 2) /* '+' */
#define FLAG_SPACE (1u << 3) /* ' ' */
#define FLAG_ALT   (1u << 4) /* '#' */

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

struct conversion {
    unsigned int flags;
    int width;      /* -1: none */
    int precision;  /* -1: none */
    enum length length;
    char spec;
};

struct emitter {
    format_sink_fn emit;
    void *ctx;
    int count;
};

static void put(struct emitter *out, const char *s, size_t n)
{
    if (n > 0) {
        out->emit(out->ctx, s, n);
        out->count += (int)n;
    }
}

static void put_repeat(struct emitter *out, char c, int n)
{
    char run[16];

    for (int i = 0; i < (int)sizeof(run); i++) {
        run[i] = c;
    }
    while (n > 0) {
        int chunk = n > (int)sizeof(run) ? (int)sizeof(run) : n;

        put(out, run, (size_t)chunk);
        n -= chunk;
    }
}

/* Emit prefix + zeros + body with the padding the conversion asks for. */
static void put_field(struct emitter *out, const struct conversion *conv, const char *prefix,
                      int prefix_len, int zeros, const char *body, int body_len)
{
    int total = prefix_len + zeros + body_len;
    int pad = conv->width > total ? conv->width - total : 0;

    if ((conv->flags & FLAG_LEFT) == 0) {
        if ((conv->flags & FLAG_ZERO) != 0 && conv->precision < 0 && conv->spec != 's'
            && conv->spec != 'c') {
            zeros += pad;
        } else {
            put_repeat(out, ' ', pad);
        }
        pad = 0;
    }
    put(out, prefix, (size_t)prefix_len);
    put_repeat(out, '0', zeros);
    put(out, body, (size_t)body_len);
    put_repeat(out, ' ', pad);
}

static void put_number(struct emitter *out, const struct conversion *conv, unsigned long long value,
                       int negative)
{
    char digits[24];
    char prefix[3];
    int prefix_len = 0;
    int len = 0;
    unsigned int base = 10;
    const char *alphabet = "0123456789abcdef";
    int zeros;
    int is_zero = value == 0;

    switch (conv->spec) {
    case 'x':
    case 'p':
        base = 16;
        break;
    case 'X':
        base = 16;
        alphabet = "0123456789ABCDEF";
        break;
    case 'o':
        base = 8;
        break;
    default:
        break;
    }
    while (value != 0) {
        digits[sizeof(digits) - 1 - len++] = alphabet[value % base];
        value /= base;
    }
    /* Precision 0 prints nothing for the value 0, as in C. */
    if (len == 0 && conv->precision != 0) {
        digits[sizeof(digits) - 1 - len++] = '0';
    }

    if (negative) {
        prefix[prefix_len++] = '-';
    } else if ((conv->flags & FLAG_PLUS) != 0 && (conv->spec == 'd' || conv->spec == 'i')) {
        prefix[prefix_len++] = '+';
    } else if ((conv->flags & FLAG_SPACE) != 0 && (conv->spec == 'd' || conv->spec == 'i')) {
        prefix[prefix_len++] = ' ';
    }
    if (conv->spec == 'p' || ((conv->flags & FLAG_ALT) != 0 && base == 16 && !is_zero)) {
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = conv->spec == 'X' ? 'X' : 'x';
    } else if ((conv->flags & FLAG_ALT) != 0 && base == 8
               && (len == 0 || digits[sizeof(digits) - len] != '0')) {
        prefix[prefix_len++] = '0';
    }
    zeros = conv->precision > len ? conv->precision - len : 0;
    put_field(out, conv, prefix, prefix_len, zeros, digits + sizeof(digits) - len, len);
}

static long long signed_argument(const struct conversion *conv, va_list *ap)
{
    switch (conv->length) {
    case LEN_CHAR:
        return (signed char)va_arg(*ap, int);
    case LEN_SHORT:
        return (short)va_arg(*ap, int);
    case LEN_LONG:
        return va_arg(*ap, long);
    case LEN_LLONG:
        return va_arg(*ap, long long);
    case LEN_SIZE:
    case LEN_PTRDIFF:
        return va_arg(*ap, long);
    case LEN_MAX:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static unsigned long long unsigned_argument(const struct conversion *conv, va_list *ap)
{
    switch (conv->length) {
    case LEN_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG:
        return va_arg(*ap, unsigned long);
    case LEN_LLONG:
        return va_arg(*ap, unsigned long long);
    case LEN_SIZE:
    case LEN_PTRDIFF:
        return va_arg(*ap, size_t);
    case LEN_MAX:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

/* Parse flags, width, precision and length after '%'; returns the rest. */
static const char *parse_conversion(const char *p, struct conversion *conv, va_list *ap)
{
    conv->flags = 0;
    conv->width = -1;
    conv->precision = -1;
    conv->length = LEN_INT;

    for (;; p++) {
        if (*p == '-') {
            conv->flags |= FLAG_LEFT;
        } else if (*p == '0') {
            conv->flags |= FLAG_ZERO;
        } else if (*p == '+') {
            conv->flags |= FLAG_PLUS;
        } else if (*p == ' ') {
            conv->flags |= FLAG_SPACE;
        } else if (*p == '#') {
            conv->flags |= FLAG_ALT;
        } else {
            break;
        }
    }
    if (*p == '*') {
        conv->width = va_arg(*ap, int);
        if (conv->width < 0) {
            conv->flags |= FLAG_LEFT;
            conv->width = -conv->width;
        }
        p++;
    } else {
        for (; *p >= '0' && *p <= '9'; p++) {
            conv->width = (conv->width < 0 ? 0 : conv->width * 10) + (*p - '0');
        }
    }
    if (*p == '.') {
        p++;
        conv->precision = 0;
        if (*p == '*') {
            conv->precision = va_arg(*ap, int);
            if (conv->precision < 0) {
                conv->precision = -1;
            }
            p++;
        } else {
            for (; *p >= '0' && *p <= '9'; p++) {
                conv->precision = conv->precision * 10 + (*p - '0');
            }
        }
    }
    switch (*p) {
    case 'h':
        p++;
        conv->length = LEN_SHORT;
        if (*p == 'h') {
            p++;
            conv->length = LEN_CHAR;
        }
        break;
    case 'l':
        p++;
        conv->length = LEN_LONG;
        if (*p == 'l') {
            p++;
            conv->length = LEN_LLONG;
        }
        break;
    case 'z':
        p++;
        conv->length = LEN_SIZE;
        break;
    case 'j':
        p++;
        conv->length = LEN_MAX;
        break;
    case 't':
        p++;
        conv->length = LEN_PTRDIFF;
        break;
    default:
        break;
    }
    conv->spec = *p;
    return *p ? p + 1 : p;
}

int format_output(format_sink_fn emit, void *ctx, const char *fmt, va_list ap_in)
{
    struct emitter out = { .emit = emit, .ctx = ctx, .count = 0 };
    struct conversion conv;
    va_list ap;
    const char *p = fmt;

    va_copy(ap, ap_in);
    while (*p) {
        const char *run = p;

        while (*p && *p != '%') {
            p++;
        }
        put(&out, run, (size_t)(p - run));
        if (*p == '\0') {
            break;
        }
        p = parse_conversion(p + 1, &conv, &ap);
        switch (conv.spec) {
        case 'd':
        case 'i': {
            long long v = signed_argument(&conv, &ap);
            unsigned long long magnitude = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

            put_number(&out, &conv, magnitude, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            put_number(&out, &conv, unsigned_argument(&conv, &ap), 0);
            break;
        case 'p':
            conv.length = LEN_LONG;
            put_number(&out, &conv, (unsigned long)va_arg(ap, void *), 0);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            put_field(&out, &conv, "", 0, 0, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t len;

            if (s == NULL) {
                s = "(null)";
            }
            len = conv.precision >= 0 ? strnlen(s, (size_t)conv.precision) : strlen(s);
            put_field(&out, &conv, "", 0, 0, s, (int)len);
            break;
        }
        case '%':
            put(&out, "%", 1);
            break;
        case '\0':
            break;
        default:
            /* Unknown conversion: show it rather than guess at arguments. */
            put(&out, "%", 1);
            put(&out, &conv.spec, 1);
            break;
        }
    }
    va_end(ap);
    return out.count;
}

/* printf: buffer on the stack, written to the console when full. */
struct console_buffer {
    char data[256];
    size_t used;
    void (*write)(const char *s, size_t n);
};

static void console_buffer_flush(struct console_buffer *buf)
{
    if (buf->used > 0) {
        buf->write(buf->data, buf->used);
        buf->used = 0;
    }
}

static void console_buffer_emit(void *ctx, const char *chunk, size_t len)
{
    struct console_buffer *buf = ctx;

    while (len > 0) {
        size_t room = sizeof(buf->data) - buf->used;
        size_t n = len < room ? len : room;

        memcpy(buf->data + buf->used, chunk, n);
        buf->used += n;
        chunk += n;
        len -= n;
        if (buf->used == sizeof(buf->data)) {
            console_buffer_flush(buf);
        }
    }
}

static int console_vprintf(void (*write)(const char *, size_t), const char *fmt, va_list ap)
{
    struct console_buffer buf = { .used = 0, .write = write };
    int n = format_output(console_buffer_emit, &buf, fmt, ap);

    console_buffer_flush(&buf);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    return console_vprintf(console_write, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = console_vprintf(console_write, fmt, ap);
    va_end(ap);
    return n;
}

int early_printk(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = console_vprintf(early_console_write, fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    console_write(s, strlen(s));
    console_write("\n", 1);
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;

    console_write(&ch, 1);
    return (unsigned char)ch;
}

/* snprintf: copy what fits, always NUL-terminate when size > 0. */
struct string_buffer {
    char *data;
    size_t size;
    size_t used;
};

static void string_buffer_emit(void *ctx, const char *chunk, size_t len)
{
    struct string_buffer *buf = ctx;

    if (buf->size > 0 && buf->used < buf->size - 1) {
        size_t room = buf->size - 1 - buf->used;
        size_t n = len < room ? len : room;

        memcpy(buf->data + buf->used, chunk, n);
        buf->used += n;
    }
}

int vsnprintf(char *data, size_t size, const char *fmt, va_list ap)
{
    struct string_buffer buf = { .data = data, .size = size, .used = 0 };
    int n = format_output(string_buffer_emit, &buf, fmt, ap);

    if (size > 0) {
        data[buf.used] = '\0';
    }
    return n;
}

int snprintf(char *data, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(data, size, fmt, ap);
    va_end(ap);
    return n;
}
