"""Curated Malaysian vs Indonesian lexicon for the close-pair stage (pipelines/langid/close_pairs.py).

Written for this project from linguistic knowledge of the two standards (Dewan Bahasa dan Pustaka
spelling and vocabulary against KBBI / EYD): spelling pairs (kualiti/kualitas, isteri/istri),
word-choice pairs (kerajaan/pemerintah, syarikat/perusahaan, pelaburan/investasi), month and day
names, and the informal Indonesian particles (nggak, banget). No evaluation text was read to write
it. Each entry is the evidence (nats) one occurrence carries: positive is Malay, negative Indonesian.
STRONG words are not used in the other standard; MEDIUM ones are rare there or mean something else;
WEAK ones merely lean; SHARED ones (weight 0) are standard in both and differ only in how often a
register uses them (*kepada*, *daripada*, *ialah*, *undang-undang* in Indonesian law as in Malaysian news;
*pasal*, Indonesian law's "article" and colloquial Malay's "because"), or are the two countries' names.
The weight replaces what the frequency lists measure. Hyphenated reduplications are matched whole
(``mana-mana``).
"""

from __future__ import annotations

STRONG = 2.5
MEDIUM = 1.5
WEAK = 1.0
SHARED = 0.0

_SHARED = (
    "kepada bagi daripada ialah rakyat undang supaya berlaku keadaan menurut sekurang pasal malaysia indonesia"
)

_MALAYSIAN = {
    STRONG: (
        "bahagian bahagiannya kewajipan berkongsi perkongsian dikongsi semulajadi bahawasanya bahawa kerana iaitu "
        "selepas syarikat percuma pelbagai universiti kualiti kuantiti komuniti aktiviti fakulti identiti "
        "kapasiti prioriti majoriti minoriti realiti kreativiti sekuriti peguam perlembagaan parlimen rasmi "
        "mesyuarat jawatankuasa kakitangan elaun insurans akaun televisyen stesen teksi kenderaan lebuhraya "
        "doktor ubat jururawat pelancong pelancongan cukai jiran isteri lelaki berjaya tandas kedai telefon ogos "
        "julai disember isnin khamis jumaat bilion trilion peratus faham fikir fikiran berfikir manakala "
        "antarabangsa projek praktikal fizikal kritikal muzik muzium fizik matematik saintis penyelidik pensyarah "
        "graduan siswazah peperiksaan markah kolej pengangkutan perkhidmatan pertubuhan jurulatih kejohanan sukan "
        "jurucakap tempoh minit akhbar sebilangan menerusi dijangka dijangkakan menjangkakan dianggarkan bajet "
        "sahaja mahu baharu justeru setiausaha timbalan naib canselor pentadbiran pentadbir perundangan kerusi "
        "lori motosikal basikal tayar perniagaan peniaga pelaburan pelabur majikan pencen kemalangan kecederaan "
        "mangsa bomba penguatkuasa penguatkuasaan menyiasat kompaun kesihatan sihat jangkitan pesakit bancian "
        "pengundi mengundi parti gabenor perisian pautan laluan emel talian skrin kekunci tetikus kemaskini "
        "bertanggungjawab tanggungjawab sememangnya hartanah lawatan melawat berlepas kanak-kanak mana-mana e-mel "
        "dalam-talian sebarang sesetengah mahupun pembangkang kempen berbanding tempatan diiktiraf pengiktirafan "
        "mengiktiraf kerjaya sokongan menyokong disokong penyokong penganalisis pengurus tertakluk mengetengahkan "
        "terbabit ekoran susulan sentiasa percubaan cubaan mencuba dicuba pelakon filem beg kasut seluar tuala "
        "sejuk resit percutian sempadan imigresen belanjawan pembekal pengeluar hutang berhutang ehwal "
        "menjejaskan sesiapa tentera askar pasaraya"
    ),
    MEDIUM: (
        "kerajaan wang polis maklumat pengarah bas hospital kilang cuba ijazah saman siasatan perbicaraan reman "
        "kes wabak rawatan kerakyatan belia petrol usahawan mengikut esok semalam petang warganegara menyertai "
        "sertai kerjasama bekerjasama kerap terutamanya dibina sungguhpun menziarahi rangkaian fail kereta awam "
        "perkara pasukan perlawanan mencadangkan dicadangkan memandu kejayaan perbelanjaan peringkat paparan "
        "rancangan peminat gerai duit bil pembedahan sempena terkini apa-apa baru-baru"
    ),
    WEAK: (
        "boleh ramai semasa bagaimanapun sekiranya bandar mac bilangan penyelidikan undian ahli perhimpunan "
        "bantahan datuk lepas seterusnya bila laman membina pembinaan kemas kediaman cuti kadar kesan cadangan "
        "kawasan"
    ),
}

_INDONESIAN = {
    STRONG: (
        "bagian bagiannya kewajiban berbagi dibagikan bahwasanya bahwa karena yaitu perusahaan universitas "
        "kualitas kuantitas komunitas aktivitas fakultas identitas kapasitas prioritas mayoritas minoritas "
        "realitas kreativitas sekuritas kantor departemen resmi panitia direktur manajer manajemen tunjangan "
        "asuransi rekening televisi stasiun kendaraan dokter obat pariwisata pajak pabrik tetangga istri "
        "keberhasilan kesuksesan toko kulkas telepon agustus desember maret senin kamis jumat miliar triliun "
        "persen coba mencoba pikir pikiran berpikir proyek fisik musik fisika matematika ilmuwan penelitian "
        "peneliti dosen transportasi kejuaraan olahraga sepakbola jubir menit koran diperkirakan pemilu partai "
        "gubernur provinsi kabupaten kecamatan kelurahan bandara truk sepeda bensin investasi karyawan pensiun "
        "kecelakaan penyidik penyidikan kasus kesehatan sehat pasien sensus bikin gimana nggak enggak banget "
        "kapan kemarin karenanya unduh mengunduh unggah mengunggah tautan surel daring ponsel oposisi kampanye "
        "kebijakan karier dukungan mendukung didukung pendukung analis menyetir mobil mengidentifikasi pers "
        "ujarnya tuturnya imbuhnya ucapnya perbatasan imigrasi pemasok produsen produksi utang berutang "
        "memengaruhi kuitansi tagihan sandi apotek sepatu celana handuk percobaan mencobanya dicoba tentara "
        "justru tas"
    ),
    MEDIUM: (
        "pemerintah konferensi komite taksi turis wisata paham internasional praktis kritis lulusan angkutan "
        "layanan asosiasi tim pelatih periode perkiraan publik juli juni pengusaha bisnis libur liburan korban "
        "tersangka terdakwa infeksi pengobatan kewarganegaraan besok sore bisa mau aja udah dong situs perangkat "
        "layar berkas pembaruan memperbarui dibangun kunjungan mengunjungi berangkat properti meskipun unjuk "
        "investor pemadam museum toilet pria sembarang usulan mengusulkan diusulkan pernyataan dampak tampilan "
        "pemeran penggemar warung ujar film lokal"
    ),
    WEAK: (
        "alami berbagai informasi rapat akun bus rekan berhasil sukses perawatan selanjutnya setelah sesudah saat "
        "pemilih anggota menyelidiki sering seringkali gak sih kok laki-laki dingin badai"
    ),
}


def lexicon() -> dict[str, float]:
    """Word -> evidence in nats (positive Malay, negative Indonesian, 0 shared); a word listed twice is an error."""
    weights: dict[str, float] = {}
    for sign, table in ((1.0, _MALAYSIAN), (-1.0, _INDONESIAN), (1.0, {SHARED: _SHARED})):
        for weight, words in table.items():
            for word in words.split():
                if word in weights:
                    raise ValueError(f"ms/id lexicon lists {word!r} twice")
                weights[word] = sign * weight
    return weights
