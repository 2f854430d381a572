package org.pibms.protocol.can;

/** SAE J1939's 29-bit identifiers and the parameter groups pibms uses. */
final class J1939 {

    static final int REQUEST = 0xEA00;
    static final int ADDRESS_CLAIMED = 0xEE00;
    static final int ACKNOWLEDGEMENT = 0xE800;
    static final int DM1 = 0xFECA;
    static final int TP_CM = 0xEC00;
    static final int TP_DT = 0xEB00;
    static final int GLOBAL = 0xFF;
    static final int NULL_ADDRESS = 0xFE;

    private J1939() {
    }

    /** The identifier of a parameter group: PDU1 groups (PF below 240) carry the destination in PS. */
    static int id(int priority, int pgn, int destination, int source) {
        int pf = (pgn >>> 8) & 0xFF;
        int ps = pf < 240 ? destination : pgn & 0xFF;
        int dp = (pgn >>> 16) & 0x3;
        return priority << 26 | dp << 24 | pf << 16 | ps << 8 | source;
    }

    static int pgn(int id) {
        int pf = (id >>> 16) & 0xFF;
        int dp = (id >>> 24) & 0x3;
        return dp << 16 | pf << 8 | (pf < 240 ? 0 : (id >>> 8) & 0xFF);
    }

    /** The destination of a PDU1 frame; {@link #GLOBAL} for a broadcast group. */
    static int destination(int id) {
        int pf = (id >>> 16) & 0xFF;
        return pf < 240 ? (id >>> 8) & 0xFF : GLOBAL;
    }

    static int source(int id) {
        return id & 0xFF;
    }
}
