/*
 * fpu: a few classic numeric kernels whose results depend on every rounding:
 * naive vs Kahan summation (double, float and long double), Horner evaluation
 * of a polynomial, Newton iterations (square root, reciprocal), a dot product
 * and an ASCII Mandelbrot set (escape counts: comparisons on computed values).
 */
#include "fpu.h"

static volatile int sum_terms = 100000;

static void summations(void)
{
    int n = sum_terms;
    double naive = 0.0, kahan = 0.0, compensation = 0.0;
    float naive_f = 0.0f, kahan_f = 0.0f, compensation_f = 0.0f;
    long double naive_ld = 0.0L;

    for (int k = 1; k <= n; k++) {
        double term = 1.0 / ((double)k * (double)k);
        naive += term;
        double y = term - compensation;
        double t = kahan + y;
        compensation = (t - kahan) - y;
        kahan = t;

        float term_f = 1.0f / (float)k;
        naive_f += term_f;
        float y_f = term_f - compensation_f;
        float t_f = kahan_f + y_f;
        compensation_f = (t_f - kahan_f) - y_f;
        kahan_f = t_f;

        naive_ld += 1.0L / ((long double)k * (long double)k);
    }
    say_double("sum 1/k^2 naive", naive);
    say_double("sum 1/k^2 kahan", kahan);
    say_float("sum 1/k float naive", naive_f);
    say_float("sum 1/k float kahan", kahan_f);
    say_long_double("sum 1/k^2 long double", naive_ld);
}

/* sin(x) by its Taylor polynomial to x^15, evaluated with Horner's rule in x^2. */
static double sin_poly(double x)
{
    static const double coefficients[8] = {
        1.0, -1.0 / 6.0, 1.0 / 120.0, -1.0 / 5040.0, 1.0 / 362880.0, -1.0 / 39916800.0,
        1.0 / 6227020800.0, -1.0 / 1307674368000.0,
    };
    double x2 = x * x;
    double p = coefficients[7];
    for (int k = 6; k >= 0; k--) {
        p = p * x2 + coefficients[k];
    }
    return p * x;
}

static void polynomials(void)
{
    static const double points[] = { 0.5, 1.0, 1.5707963267948966, -2.0, 3.0 };
    static const char *const names[] = { "sin_poly 0.5", "sin_poly 1", "sin_poly pi/2", "sin_poly -2", "sin_poly 3" };
    for (unsigned k = 0; k < sizeof(points) / sizeof(points[0]); k++) {
        say_double(names[k], sin_poly(vd(points[k])));
    }
}

static void newton(void)
{
    double x = vd(1.0);
    double a = vd(2.0);
    char label[] = "newton sqrt 2, step 0";
    for (int step = 1; step <= 6; step++) {
        x = 0.5 * (x + a / x);
        label[sizeof(label) - 2] = (char)('0' + step);
        say_double(label, x);
    }
    double r = vd(0.1);
    double d = vd(7.0);
    for (int step = 0; step < 6; step++) {
        r = r * (2.0 - d * r);
    }
    say_double("newton 1/7", r);
    long double xl = vld(1.0L);
    long double al = vld(2.0L);
    for (int step = 0; step < 7; step++) {
        xl = 0.5L * (xl + al / xl);
    }
    say_long_double("newton sqrt 2 long double", xl);
    float xf = vf(1.0f);
    for (int step = 0; step < 5; step++) {
        xf = 0.5f * (xf + vf(2.0f) / xf);
    }
    say_float("newton sqrt 2 float", xf);
}

static void dot_product(void)
{
    double a[64], b[64];
    uint64_t state = vu64(42);
    for (int k = 0; k < 64; k++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        a[k] = (double)(int64_t)(state >> 11) / 9007199254740992.0 - 0.5;
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        b[k] = (double)(state >> 11) * (1.0 / 9007199254740992.0) * 1000.0;
    }
    double sum = 0.0;
    for (int k = 0; k < 64; k++) {
        sum += a[k] * b[k];
    }
    say_double("dot product 64", sum);
}

static void mandelbrot(void)
{
    static const char shades[] = " .:-=+*#%@";
    int width = (int)vi64(48);
    int height = (int)vi64(16);
    for (int row = 0; row < height; row++) {
        char text[64];
        int length = 0;
        double ci = -1.2 + 2.4 * row / (height - 1);
        for (int column = 0; column < width; column++) {
            double cr = -2.1 + 2.8 * column / (width - 1);
            double zr = 0.0, zi = 0.0;
            int iteration = 0;
            while (iteration < 90 && zr * zr + zi * zi <= 4.0) {
                double next = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = next;
                iteration++;
            }
            text[length++] = shades[iteration / 10];
        }
        text[length] = '\0';
        out_str("mandelbrot |");
        out_str(text);
        out_str("|");
        out_end();
    }
}

void numeric_kernels(void)
{
    out_section("numeric kernels");
    summations();
    polynomials();
    newton();
    dot_product();
    mandelbrot();
}
