/* Startup code for tinyengine-qemu boards: vector table, reset handler,
 * SysTick time base, CMSDK UART0 and newlib syscalls (semihosting exit). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "te_board.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern char end; /* first free byte after .bss (linker script) */
extern char _heap_limit;

int main(void);
extern void __libc_init_array(void);

void Reset_Handler(void);
void Default_Handler(void);
void SysTick_Handler(void);

/* ---- registers ------------------------------------------------------- */
#define REG32(a) (*(volatile uint32_t *)(a))
#define SCB_CPACR REG32(0xE000ED88u)
#define SCB_VTOR REG32(0xE000ED08u)
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
/* CMSDK UART0 base: -DTE_UART_BASE=... from the board's build.uart_base */
#ifndef TE_UART_BASE
#define TE_UART_BASE 0x40004000u
#endif
#define UART0_BASE ((uint32_t)(TE_UART_BASE))
#define UART0_DATA REG32(UART0_BASE + 0x000u)
#define UART0_STATE REG32(UART0_BASE + 0x004u)
#define UART0_CTRL REG32(UART0_BASE + 0x008u)
#define UART0_BAUDDIV REG32(UART0_BASE + 0x010u)

/* ---- vector table ---------------------------------------------------- */
__attribute__((section(".isr_vector"), used))
void (*const te_vector_table[16 + 32])(void) = {
    (void (*)(void))(&_estack),
    Reset_Handler,
    Default_Handler, /* NMI */
    Default_Handler, /* HardFault */
    Default_Handler, /* MemManage */
    Default_Handler, /* BusFault */
    Default_Handler, /* UsageFault */
    0, 0, 0, 0,
    Default_Handler, /* SVC */
    Default_Handler, /* DebugMon */
    0,
    Default_Handler, /* PendSV */
    SysTick_Handler,
    /* external interrupts: all default */
    [16 ... 47] = Default_Handler,
};

/* ---- semihosting ----------------------------------------------------- */
static inline int te_semihost(int op, void *arg) {
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void te_board_exit(int status) {
    /* SYS_EXIT_EXTENDED: block = {ADP_Stopped_ApplicationExit, status} */
    volatile uint32_t block[2] = {0x20026u, (uint32_t)status};
    te_semihost(0x20, (void *)block);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* ---- SysTick --------------------------------------------------------- */
static volatile uint32_t te_systick_wraps;
#define TE_SYSTICK_RELOAD 0x00FFFFFFu

void SysTick_Handler(void) { te_systick_wraps++; }

uint64_t te_board_cycles(void) {
    uint32_t wraps, val;
    do {
        wraps = te_systick_wraps;
        val = SYST_CVR;
        /* a pending wrap not yet counted: COUNTFLAG would be racy; re-read instead */
    } while (wraps != te_systick_wraps);
    return (uint64_t)wraps * (TE_SYSTICK_RELOAD + 1u) + (TE_SYSTICK_RELOAD - val);
}

static void te_systick_init(void) {
    SYST_RVR = TE_SYSTICK_RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 0x7u; /* CLKSOURCE=processor clock, TICKINT, ENABLE */
    /* The write above cleared the counter; it reloads on the first tick.  Until
     * then CVR reads 0, which te_board_cycles() would take as a full period. */
    while (SYST_CVR == 0u) {
    }
}

/* ---- stack high-water mark ------------------------------------------- */
/* The stack region is [_heap_limit, _estack) (linker script).  It is painted
 * at reset; te_board_stack_peak() finds the deepest word ever overwritten. */
#define TE_STACK_PAINT 0xC5A5C5A5u

__attribute__((noinline)) void te_board_stack_paint(void) {
    uint32_t *p = (uint32_t *)(void *)&_heap_limit;
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    sp -= 32; /* keep clear of this function's own frame */
    while (p < sp) *p++ = TE_STACK_PAINT;
}

uint32_t te_board_stack_peak(void) {
    const uint32_t *p = (const uint32_t *)(const void *)&_heap_limit;
    const uint32_t *top = (const uint32_t *)(const void *)&_estack;
    while (p < top && *p == TE_STACK_PAINT) p++;
    return (uint32_t)((const char *)top - (const char *)p);
}

/* ---- UART ------------------------------------------------------------ */
static void te_uart_init(void) {
    UART0_BAUDDIV = 16u;
    UART0_CTRL = 0x1u; /* TX enable */
}

void te_board_uart_write(const char *buf, int len) {
    for (int i = 0; i < len; i++) {
        while (UART0_STATE & 0x1u) { /* TX buffer full */
        }
        UART0_DATA = (uint8_t)buf[i];
    }
}

/* ---- reset ----------------------------------------------------------- */
__attribute__((weak)) void _init(void) {}
__attribute__((weak)) void _fini(void) {}

void Reset_Handler(void) {
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
#if defined(__ARM_FP)
    SCB_CPACR |= (0xFu << 20); /* CP10/CP11 full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    SCB_VTOR = (uint32_t)te_vector_table;
    te_board_stack_paint();
    te_uart_init();
    te_systick_init();
    __libc_init_array();
    exit(main());
}

void Default_Handler(void) {
    static const char msg[] = "\r\n*** unexpected exception/fault, stopping ***\r\n";
    te_board_uart_write(msg, sizeof msg - 1);
    te_board_exit(3);
}

/* ---- newlib syscalls ------------------------------------------------- */
void _exit(int status) { te_board_exit(status); }

int _write(int fd, const char *buf, int len) {
    (void)fd;
    te_board_uart_write(buf, len);
    return len;
}

int _read(int fd, char *buf, int len) { (void)fd; (void)buf; (void)len; return 0; }
int _close(int fd) { (void)fd; return -1; }
int _lseek(int fd, int off, int whence) { (void)fd; (void)off; (void)whence; return 0; }
int _isatty(int fd) { (void)fd; return 1; }
int _fstat(int fd, struct stat *st) { (void)fd; st->st_mode = S_IFCHR; return 0; }
int _getpid(void) { return 1; }
int _kill(int pid, int sig) { (void)pid; (void)sig; errno = EINVAL; return -1; }

void *_sbrk(ptrdiff_t incr) {
    static char *brk = &end;
    char *prev = brk;
    if (brk + incr > &_heap_limit) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return prev;
}
