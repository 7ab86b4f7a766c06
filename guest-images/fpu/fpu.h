/*
 * fpu: TruffleXen's floating-point conformance guest.
 *
 * The same sources build as a PV guest (platform_xen.c, SDK_FPU := yes) and
 * as a static Linux executable (platform_host.c) with the same code-generation
 * flags, so both run the same instructions and must print the same bytes.
 * Every result is printed as its exact bit pattern in hex plus a hex-float
 * rendering made with integer arithmetic only (the SDK's printf has no %f).
 * Inputs go through volatile loads so the work happens at run time, never in
 * the compiler's constant folder.
 */
#ifndef TRUFFLEXEN_FPU_H
#define TRUFFLEXEN_FPU_H

#include <stddef.h>
#include <stdint.h>

/* ---- provided by the platform ---- */
void fpu_write(const char *s, size_t n);

/* ---- fpu.c ---- */
/* Runs every section and prints "fpu: done". */
void fpu_main(void);

/* ---- print.c: one output line at a time ---- */
void out_str(const char *s);
void out_hex(uint64_t value, int digits);
void out_dec(int64_t value);
void out_double(double value);      /* 0x<16 hex> (<hex float>) */
void out_float(float value);        /* 0x<8 hex> (<hex float>) */
void out_long_double(long double value); /* 0x<4 hex>:<16 hex> (<hex float>) */
void out_end(void);                 /* newline, then writes the line */
void out_section(const char *name); /* "== name ==" on a line of its own */

/* label: double */
void say_double(const char *label, double value);
void say_float(const char *label, float value);
void say_long_double(const char *label, long double value);
void say_hex(const char *label, uint64_t value, int digits);
void say_dec(const char *label, int64_t value);

/* The same with the exception flags raised (MXCSR or x87 FSW bits 0-5: IE DE ZE OE UE PE). */
void out_flags(unsigned flags);     /* " flags=IE,PE" or " flags=-" */
void say_double_flags(const char *label, double value, unsigned flags);
void say_float_flags(const char *label, float value, unsigned flags);
void say_long_double_flags(const char *label, long double value, unsigned flags);
/* "label: lt le eq ne gt ge = 010011 flags=..." for the six comparison results of a pair. */
void say_comparisons(const char *label, const volatile int results[6], unsigned flags);
void say_int_flags(const char *label, uint64_t value, int digits, unsigned flags);

/* ---- opaque inputs: the compiler cannot see through a volatile load ---- */
static inline double vd(double x)
{
    volatile double v = x;
    return v;
}

static inline float vf(float x)
{
    volatile float v = x;
    return v;
}

static inline long double vld(long double x)
{
    volatile long double v = x;
    return v;
}

static inline int64_t vi64(int64_t x)
{
    volatile int64_t v = x;
    return v;
}

static inline uint64_t vu64(uint64_t x)
{
    volatile uint64_t v = x;
    return v;
}

static inline double double_from_bits(uint64_t bits)
{
    union { uint64_t u; double d; } v = { .u = bits };
    return v.d;
}

static inline float float_from_bits(uint32_t bits)
{
    union { uint32_t u; float f; } v = { .u = bits };
    return v.f;
}

/* ---- MXCSR and the x87 control and status words ---- */
#define MXCSR_DEFAULT 0x1f80u
#define MXCSR_FLAGS   0x003fu  /* IE DE ZE OE UE PE */
#define MXCSR_DAZ     0x0040u
#define MXCSR_RC_SHIFT 13
#define MXCSR_FTZ     0x8000u
#define FCW_DEFAULT   0x037fu
#define FCW_RC_SHIFT  10
#define FCW_PC_SHIFT  8
#define FSW_FLAGS     0x003fu

static inline uint32_t get_mxcsr(void)
{
    uint32_t value;
    __asm__ volatile("stmxcsr %0" : "=m"(value) : : "memory");
    return value;
}

static inline void set_mxcsr(uint32_t value)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(value) : "memory");
}

static inline uint16_t get_fcw(void)
{
    uint16_t value;
    __asm__ volatile("fnstcw %0" : "=m"(value) : : "memory");
    return value;
}

static inline void set_fcw(uint16_t value)
{
    __asm__ volatile("fldcw %0" : : "m"(value) : "memory");
}

static inline uint16_t get_fsw(void)
{
    uint16_t value;
    __asm__ volatile("fnstsw %0" : "=m"(value) : : "memory");
    return value;
}

static inline void clear_x87_flags(void)
{
    __asm__ volatile("fnclex" : : : "memory");
}

/*
 * One SSE operation between a reset of MXCSR (to `mxcsr`: its flags cleared)
 * and a read of the flags it raised. The inputs come from volatile loads
 * after the ldmxcsr and the result goes to a volatile store before the
 * stmxcsr, so the compiler cannot move the operation out of the window.
 */
#define SSE_RESULT(type, mxcsr, expr, result, flags) do { \
        set_mxcsr(mxcsr); \
        volatile type result_ = (expr); \
        (flags) = get_mxcsr() & MXCSR_FLAGS; \
        set_mxcsr(MXCSR_DEFAULT); \
        (result) = result_; \
    } while (0)

#define SAY_SSE_DOUBLE(label, expr) do { double r_; unsigned f_; \
        SSE_RESULT(double, MXCSR_DEFAULT, expr, r_, f_); say_double_flags(label, r_, f_); } while (0)
#define SAY_SSE_FLOAT(label, expr) do { float r_; unsigned f_; \
        SSE_RESULT(float, MXCSR_DEFAULT, expr, r_, f_); say_float_flags(label, r_, f_); } while (0)
#define SAY_SSE_INT(label, type, digits, expr) do { type r_; unsigned f_; \
        SSE_RESULT(type, MXCSR_DEFAULT, expr, r_, f_); say_int_flags(label, (uint64_t)r_, digits, f_); } while (0)

/* The same for x87 operations: fnclex before, fnstsw after. */
#define X87_RESULT(type, expr, result, flags) do { \
        clear_x87_flags(); \
        volatile type result_ = (expr); \
        (flags) = get_fsw() & FSW_FLAGS; \
        (result) = result_; \
    } while (0)

#define SAY_X87(label, expr) do { long double r_; unsigned f_; \
        X87_RESULT(long double, expr, r_, f_); say_long_double_flags(label, r_, f_); } while (0)

/* Sections (sse.c, convert.c, x87.c, kernels.c). */
void sse_double_arithmetic(void);
void sse_float_arithmetic(void);
void sse_special_values(void);
void sse_comparisons(void);
void sse_rounding_modes(void);
void sse_denormals(void);
void conversions(void);
void x87_arithmetic(void);
void x87_conversions(void);
void x87_comparisons(void);
void x87_control_word(void);
void numeric_kernels(void);

#endif /* TRUFFLEXEN_FPU_H */
