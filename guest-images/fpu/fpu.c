/*
 * fpu: runs every section in a fixed order. The first lines show the start
 * state of the x87 unit and MXCSR (the SDK's boot stub and Linux both start a
 * program with FCW 0x037f and MXCSR 0x1f80).
 */
#include "fpu.h"

void fpu_main(void)
{
    out_str("fpu: start");
    out_end();
    say_hex("initial mxcsr", get_mxcsr(), 8);
    say_hex("initial fcw", get_fcw(), 4);
    sse_double_arithmetic();
    sse_float_arithmetic();
    sse_special_values();
    sse_comparisons();
    sse_rounding_modes();
    sse_denormals();
    conversions();
    x87_arithmetic();
    x87_conversions();
    x87_comparisons();
    x87_control_word();
    numeric_kernels();
    say_hex("final mxcsr", get_mxcsr() & ~MXCSR_FLAGS, 8);
    say_hex("final fcw", get_fcw(), 4);
    out_str("fpu: done");
    out_end();
}
