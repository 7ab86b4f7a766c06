package dev.trufflexen.xen.abi;

/**
 * Xen's error numbers ({@code xen/include/public/errno.h}). Hypercalls return them negated.
 * The C header of the guest SDK spells them {@code XEN_EPERM} etc.; {@link AbiConstants} maps.
 */
public final class XenErrno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EMLINK = 31;
    public static final int EDOM = 33;
    public static final int ERANGE = 34;
    public static final int EDEADLK = 35;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOLCK = 37;
    public static final int ENOSYS = 38;
    public static final int EBADRQC = 56;
    public static final int EBADSLT = 57;
    public static final int ENODATA = 61;
    public static final int ETIME = 62;
    public static final int EBADMSG = 74;
    public static final int EOVERFLOW = 75;
    public static final int EILSEQ = 84;
    public static final int ERESTART = 85;
    public static final int EUSERS = 87;
    public static final int ENOTSOCK = 88;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENOBUFS = 105;
    public static final int EISCONN = 106;
    public static final int ENOTCONN = 107;
    public static final int ESHUTDOWN = 108;
    public static final int ETOOMANYREFS = 109;
    public static final int ETIMEDOUT = 110;
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int EDEADLOCK = EDEADLK;

    private XenErrno() {
    }
}
