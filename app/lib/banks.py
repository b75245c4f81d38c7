"""Banks that take VietQR transfers: the NAPAS bank identification number (BIN) and a short name.

Pure data, for the administrator's choice of an agency's receiving bank and for saying which
bank an account is at. The BINs are those NAPAS assigns (the first 6 digits of the
beneficiary in a VietQR payload).
"""

BANKS: dict[str, str] = {
    "970436": "Vietcombank", "970415": "VietinBank", "970418": "BIDV", "970405": "Agribank",
    "970407": "Techcombank", "970422": "MB Bank", "970416": "ACB", "970432": "VPBank",
    "970423": "TPBank", "970403": "Sacombank", "970437": "HDBank", "970441": "VIB",
    "970443": "SHB", "970431": "Eximbank", "970426": "MSB", "970448": "OCB",
    "970440": "SeABank", "970449": "LPBank", "970454": "BVBank (Bản Việt)", "970409": "Bac A Bank",
    "970412": "PVcomBank", "970414": "OceanBank", "970428": "Nam A Bank", "970429": "SCB",
    "970430": "PG Bank", "970438": "BaoViet Bank", "970427": "VietA Bank", "970433": "Vietbank",
    "970452": "KienlongBank", "970419": "NCB", "970425": "ABBANK", "970400": "Saigonbank",
    "970446": "Co-opBank", "970424": "Shinhan Bank", "970457": "Woori Bank", "970439": "Public Bank",
    "970458": "UOB", "458761": "HSBC", "970410": "Standard Chartered", "970406": "DongA Bank",
    "970408": "GPBank", "970421": "VRB", "970434": "Indovina Bank", "422589": "CIMB",
}


def bank_name(bin_: str) -> str:
    """Return the short name of the bank with this BIN, or the BIN itself if it is not listed."""
    return BANKS.get(bin_, bin_)
