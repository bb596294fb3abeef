-- mask_pii_text and clean_text on hand-written tricky values, on every engine the
-- project runs on: emails and phones are masked, the text around them is kept, and
-- ids, amounts, dates, timestamps, hashes and scores are left alone
-- (DECISIONLOG.md, Personal data in free text). Returns the cases that differ.
with

masking_cases as (

    select
        cases.input_text,
        cases.expected_text

    from (
        values
        ('Acme john.doe@example.com Ltd', 'Acme [email] Ltd'),
        ('Mail: John.Doe @ Example.COM please', 'Mail: [email] please'),
        ('/unsubscribe?email=jo@x.io&id=5', '/unsubscribe?email=[email]&id=5'),
        ('John +44 7556 723529', 'John [phone]'),
        ('Call +1 (555) 010-2030, or 555-010-2031.', 'Call [phone], or [phone].'),
        ('(555) 010 2030 / 555.010.2030', '[phone] / [phone]'),
        ('0044 20 7946 0958 and 020 7946 0958', '[phone] and [phone]'),
        ('+447556723529', '[phone]'),
        ('tel:5550102030', 'tel:[phone]'),
        ('+44 (0)20 7946 0958', '[phone]'),
        ('555-010-2030, 555-010-2031, 555-010-2032', '[phone], [phone], [phone]'),
        ('Order OR00000001 paid 1234567.89 USD', 'Order OR00000001 paid 1234567.89 USD'),
        ('order 1234567 and #12345678901', 'order 1234567 and #12345678901'),
        ('ORD-5550102030', 'ORD-5550102030'),
        ('1,234,567.89 EUR; 2500000 USD', '1,234,567.89 EUR; 2500000 USD'),
        ('2024-03-05T10:11:12Z', '2024-03-05T10:11:12Z'),
        ('2024-03-05 10:11:12+07:00', '2024-03-05 10:11:12+07:00'),
        ('05.03.2024 10:11', '05.03.2024 10:11'),
        ('03/05/2024 and 2024/03/05 and 20240305', '03/05/2024 and 2024/03/05 and 20240305'),
        ('-20240305', '-20240305'),
        ('birth 2001-09-05', 'birth 2001-09-05'),
        (
            '5f0c3a9e1b2d4c6e8f00112233445566778899aabbccddeeff00112233445566',
            '5f0c3a9e1b2d4c6e8f00112233445566778899aabbccddeeff00112233445566'
        ),
        ('sha256:1234567890abcdef', 'sha256:1234567890abcdef'),
        ('CES 1-7, NPS 0-10, score 9', 'CES 1-7, NPS 0-10, score 9'),
        ('Q3 2024 renewal - 12 seats', 'Q3 2024 renewal - 12 seats'),
        ('Nguyễn Văn An', 'Nguyễn Văn An'),
        ('-1234567.5', '-1234567.5'),
        ('v1.2.3', 'v1.2.3'),
        ('(+44 7556 723529)', '[phone])'),
        ('(5550102030)', '[phone])'),
        ('call (555) 010 2030 now', 'call [phone] now')
    ) as cases (input_text, expected_text)

),

-- control characters (BEL, DEL, a C1 control) are removed and white space folded before masking
cleaning_cases as (

    select
        ' Jo' || chr(7) || 'hn' || chr(127) || '  ' || chr(133) || 'Doe ' as input_text,
        'John Doe' as expected_text

    union all

    select
        'Tel.' || chr(9) || '+44 7556' || chr(10) || '723529 ' as input_text,
        'Tel. [phone]' as expected_text

),

masked as (

    select
        input_text,
        expected_text,
        {{ mask_pii_text('input_text') }} as actual_text

    from masking_cases

    union all

    select
        input_text,
        expected_text,
        {{ clean_text('input_text', mask_pii=true) }} as actual_text

    from cleaning_cases

),

differing as (

    select * from masked

    where actual_text is null or actual_text != expected_text

)

select * from differing
