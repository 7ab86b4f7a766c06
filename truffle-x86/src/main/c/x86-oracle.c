/*
 * x86-oracle: the host-CPU side of TruffleXen's CPU differential tester
 * (dev.trufflexen.x86.selftest). A long-lived child process that runs instruction bytes
 * natively, one case at a time, and reports the architectural state they leave behind.
 *
 * Layout (fixed addresses, never writable and executable at once):
 *   CODE_PAGE  0x10000000  R+X, filled with int3 (0xCC) around the case's bytes; the page after
 *                          it is left unmapped, so a fetch past the end is a #PF.
 *   DATA_PAGE  0x20000000  R+W, filled from the case; its neighbours are unmapped.
 * GS base is set to DATA_PAGE (the C library does not use GS); FS stays the C library's TLS
 * base and is reported in the hello message so the tester can aim FS-relative operands.
 *
 * Every case ends in a signal: the int3 after the instruction (SIGTRAP), or the fault it raised
 * (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP), or SIGALRM when it ran too long. The handler (on
 * an alternate stack, since the guest owns RSP) copies registers, flags, trap number, error code
 * and CR2 from the signal context, and siglongjmps back to the case loop.
 *
 * Protocol, all little-endian, on stdin/stdout:
 *   hello    (runner -> tester): u32 magic 'TXOR', u32 version, u64 fs_base,
 *            u16 selectors cs, ss, ds, es, fs, gs, u32 pad               = 32 bytes
 *   request  (tester -> runner): u32 code_length (0xFFFFFFFF: quit), u32 code_offset,
 *            u64 regs[16] (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15), u64 rflags,
 *            u8 code[64], u8 data[4096], u8 fpu[512]
 *   response (runner -> tester): u32 signal, u32 si_code, u64 trapno, u64 error_code, u64 cr2,
 *            u64 regs[16], u64 rip, u64 rflags, u8 data[4096], u8 fpu[512]
 * fpu is a 64-bit FXSAVE image (x87, MXCSR, XMM0-15), loaded with FXRSTOR64 just before the
 * case's first instruction and read back from the signal context; in the response only bytes
 * 0-415 are meaningful (the rest is zero).
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <unistd.h>

#define CODE_PAGE 0x10000000UL
#define DATA_PAGE 0x20000000UL
#define PAGE 4096
#define MAX_CODE 64
#define VERSION 2
#define FXSAVE_SIZE 512
/* Bytes of the FXSAVE image up to the end of XMM15. */
#define FXSAVE_USED 416
#define QUIT 0xFFFFFFFFu
/* CF PF AF ZF SF DF OF: the only flags a case may set. */
#define LOADABLE_FLAGS 0xCD5UL

struct request {
    uint32_t code_length;
    uint32_t code_offset;
    uint64_t regs[16];
    uint64_t rflags;
    uint8_t code[MAX_CODE];
    uint8_t data[PAGE];
    uint8_t fpu[FXSAVE_SIZE];
} __attribute__((packed));

struct response {
    uint32_t signal;
    uint32_t si_code;
    uint64_t trapno;
    uint64_t error_code;
    uint64_t cr2;
    uint64_t regs[16];
    uint64_t rip;
    uint64_t rflags;
    uint8_t data[PAGE];
    uint8_t fpu[FXSAVE_SIZE];
} __attribute__((packed));

/* Read by enter_guest: registers in X86Reg order, RFLAGS, entry point, FXSAVE image address. */
struct guest_entry {
    uint64_t regs[16];
    uint64_t rflags;
    uint64_t entry;
    uint64_t fpu;
};

static uint8_t guest_fpu[FXSAVE_SIZE] __attribute__((aligned(16)));

struct guest_entry g_guest;
static struct request request;
static struct response response;
static sigjmp_buf case_return;
static uint8_t alternate_stack[64 * 1024] __attribute__((aligned(16)));

void enter_guest(void);
__asm__(
    ".text\n"
    ".globl enter_guest\n"
    "enter_guest:\n"
    "  mov g_guest+144(%rip), %rax\n"
    "  fninit\n" /* every case starts from the same x87 state, whatever the previous one left */
    "  fxrstor64 (%rax)\n"
    "  lea g_guest+128(%rip), %rsp\n"
    "  popfq\n"
    "  mov g_guest+0(%rip), %rax\n"
    "  mov g_guest+8(%rip), %rcx\n"
    "  mov g_guest+16(%rip), %rdx\n"
    "  mov g_guest+24(%rip), %rbx\n"
    "  mov g_guest+40(%rip), %rbp\n"
    "  mov g_guest+48(%rip), %rsi\n"
    "  mov g_guest+56(%rip), %rdi\n"
    "  mov g_guest+64(%rip), %r8\n"
    "  mov g_guest+72(%rip), %r9\n"
    "  mov g_guest+80(%rip), %r10\n"
    "  mov g_guest+88(%rip), %r11\n"
    "  mov g_guest+96(%rip), %r12\n"
    "  mov g_guest+104(%rip), %r13\n"
    "  mov g_guest+112(%rip), %r14\n"
    "  mov g_guest+120(%rip), %r15\n"
    "  mov g_guest+32(%rip), %rsp\n"
    "  jmp *g_guest+136(%rip)\n");

static void on_signal(int signal, siginfo_t *info, void *context) {
    ucontext_t *uc = context;
    greg_t *g = uc->uc_mcontext.gregs;
    static const int order[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
        REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
    response.signal = (uint32_t) signal;
    response.si_code = (uint32_t) info->si_code;
    response.trapno = (uint64_t) g[REG_TRAPNO];
    response.error_code = (uint64_t) g[REG_ERR];
    response.cr2 = (uint64_t) g[REG_CR2];
    for (int i = 0; i < 16; i++) {
        response.regs[i] = (uint64_t) g[order[i]];
    }
    response.rip = (uint64_t) g[REG_RIP];
    response.rflags = (uint64_t) g[REG_EFL];
    if (uc->uc_mcontext.fpregs != NULL) {
        memcpy(response.fpu, uc->uc_mcontext.fpregs, FXSAVE_USED);
    }
    siglongjmp(case_return, 1);
}

static int read_fully(void *buffer, size_t length) {
    uint8_t *p = buffer;
    while (length > 0) {
        ssize_t n = read(0, p, length);
        if (n <= 0) {
            return -1;
        }
        p += n;
        length -= (size_t) n;
    }
    return 0;
}

static int write_fully(const void *buffer, size_t length) {
    const uint8_t *p = buffer;
    while (length > 0) {
        ssize_t n = write(1, p, length);
        if (n <= 0) {
            return -1;
        }
        p += n;
        length -= (size_t) n;
    }
    return 0;
}

static void fail(const char *message) {
    write(2, "x86-oracle: ", 12);
    write(2, message, strlen(message));
    write(2, "\n", 1);
    _exit(2);
}

static void set_timer(long microseconds) {
    struct itimerval timer = {{0, 0}, {0, microseconds}};
    setitimer(ITIMER_REAL, &timer, NULL);
}

static void run_case(void) {
    uint8_t *code = (uint8_t *) CODE_PAGE;
    uint8_t *data = (uint8_t *) DATA_PAGE;
    if (request.code_length > MAX_CODE || request.code_offset >= PAGE) {
        fail("bad request");
    }
    mprotect(code, PAGE, PROT_READ | PROT_WRITE);
    memset(code, 0xCC, PAGE);
    uint32_t fits = PAGE - request.code_offset;
    memcpy(code + request.code_offset, request.code,
            request.code_length < fits ? request.code_length : fits);
    mprotect(code, PAGE, PROT_READ | PROT_EXEC);
    memcpy(data, request.data, PAGE);
    memcpy(g_guest.regs, request.regs, sizeof g_guest.regs);
    g_guest.rflags = (request.rflags & LOADABLE_FLAGS) | 2;
    g_guest.entry = CODE_PAGE + request.code_offset;
    memcpy(guest_fpu, request.fpu, FXSAVE_SIZE);
    uint32_t mxcsr;
    memcpy(&mxcsr, guest_fpu + 24, sizeof mxcsr);
    mxcsr &= 0xFFFF; /* a reserved bit would make FXRSTOR fault in the runner itself */
    memcpy(guest_fpu + 24, &mxcsr, sizeof mxcsr);
    g_guest.fpu = (uint64_t) guest_fpu;
    memset(&response, 0, sizeof response);
    if (sigsetjmp(case_return, 1) == 0) {
        set_timer(200000);
        enter_guest();
    }
    set_timer(0);
    memcpy(response.data, data, PAGE);
}

int main(void) {
    if (mmap((void *) CODE_PAGE, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
            != (void *) CODE_PAGE
            || mmap((void *) DATA_PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
            != (void *) DATA_PAGE) {
        fail("cannot map the code and data pages at their fixed addresses");
    }
    if (syscall(SYS_arch_prctl, ARCH_SET_GS, DATA_PAGE) != 0) {
        fail("cannot set the GS base");
    }
    stack_t stack = {.ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0};
    if (sigaltstack(&stack, NULL) != 0) {
        fail("cannot install the alternate signal stack");
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&action.sa_mask);
    int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGALRM};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) {
            fail("cannot install signal handlers");
        }
    }

    struct {
        uint32_t magic;
        uint32_t version;
        uint64_t fs_base;
        uint16_t selectors[6];
        uint32_t pad;
    } __attribute__((packed)) hello = {0x524F5854u, VERSION, 0, {0}, 0};
    syscall(SYS_arch_prctl, ARCH_GET_FS, &hello.fs_base);
    __asm__ volatile("mov %%cs, %0" : "=r"(hello.selectors[0]));
    __asm__ volatile("mov %%ss, %0" : "=r"(hello.selectors[1]));
    __asm__ volatile("mov %%ds, %0" : "=r"(hello.selectors[2]));
    __asm__ volatile("mov %%es, %0" : "=r"(hello.selectors[3]));
    __asm__ volatile("mov %%fs, %0" : "=r"(hello.selectors[4]));
    __asm__ volatile("mov %%gs, %0" : "=r"(hello.selectors[5]));
    if (write_fully(&hello, sizeof hello) != 0) {
        return 1;
    }
    for (;;) {
        if (read_fully(&request, sizeof request.code_length) != 0 || request.code_length == QUIT) {
            return 0;
        }
        if (read_fully((uint8_t *) &request + sizeof request.code_length, sizeof request - sizeof request.code_length) != 0) {
            return 1;
        }
        run_case();
        if (write_fully(&response, sizeof response) != 0) {
            return 1;
        }
    }
}
