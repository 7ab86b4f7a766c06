package dev.trufflexen.dom0.xenstore;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's permissions: the first entry names the owner (who may do anything) and the access
 * every domain not listed gets; the further entries give listed domains their access. As text
 * each entry is a letter ({@code n} none, {@code r} read, {@code w} write, {@code b} both) and a
 * decimal domid, e.g. {@code n0 r3}. The privileged toolstack passes every check.
 */
public record Permissions(List<Entry> entries) {
    public enum Access {
        NONE('n'), READ('r'), WRITE('w'), BOTH('b');

        final char letter;

        Access(char letter) {
            this.letter = letter;
        }

        boolean canRead() {
            return this == READ || this == BOTH;
        }

        boolean canWrite() {
            return this == WRITE || this == BOTH;
        }

        static Access of(char letter) {
            for (Access a : values()) {
                if (a.letter == letter) {
                    return a;
                }
            }
            return null;
        }
    }

    public record Entry(int domid, Access access) {
        @Override
        public String toString() {
            return access.letter + Integer.toString(domid);
        }
    }

    public Permissions {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("permissions need an owner");
        }
    }

    /** Owned by {@code owner}, with {@code others} for every other domain. */
    public static Permissions owned(int owner, Access others) {
        return new Permissions(List.of(new Entry(owner, others)));
    }

    /** Owned by {@code owner}, no access for others except {@code reader}, who may read. */
    public static Permissions readableBy(int owner, int reader) {
        return new Permissions(List.of(new Entry(owner, Access.NONE), new Entry(reader, Access.READ)));
    }

    public int owner() {
        return entries.getFirst().domid();
    }

    Permissions withOwner(int owner) {
        List<Entry> copy = new ArrayList<>(entries);
        copy.set(0, new Entry(owner, entries.getFirst().access()));
        return new Permissions(copy);
    }

    /** The access {@code domid} has: everything as owner, its own entry, else the default. */
    Access accessOf(int domid) {
        if (domid == owner()) {
            return Access.BOTH;
        }
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).domid() == domid) {
                return entries.get(i).access();
            }
        }
        return entries.getFirst().access();
    }

    /** Parses {@code SET_PERMS}'s strings; EINVAL for a bad letter or domid. */
    static Permissions parse(List<String> texts) throws XsError {
        if (texts.isEmpty()) {
            throw XsError.invalid("no permissions");
        }
        List<Entry> parsed = new ArrayList<>();
        for (String text : texts) {
            Access access = text.isEmpty() ? null : Access.of(text.charAt(0));
            String number = text.isEmpty() ? "" : text.substring(1);
            if (access == null || !number.matches("[0-9]{1,5}") || Integer.parseInt(number) > 0xffff) {
                throw XsError.invalid("bad permission " + XsPath.printable(text));
            }
            parsed.add(new Entry(Integer.parseInt(number), access));
        }
        return new Permissions(parsed);
    }

    /** The entries as GET_PERMS sends them. */
    List<String> texts() {
        return entries.stream().map(Entry::toString).toList();
    }

    @Override
    public String toString() {
        return String.join(" ", texts());
    }
}
